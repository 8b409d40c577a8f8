META
key;value
description;Hand-checked MES example (see plenty-core vote::mes tests)
num_projects;3
num_votes;4
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
A;60;Well
B;25;Bench
C;40;Path
VOTES
voter_id;vote
1;A
2;A
3;A,C
4;B,C
