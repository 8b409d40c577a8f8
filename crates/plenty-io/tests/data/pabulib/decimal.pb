META
key;value
description;"Decimal costs; quoted names; a decimal comma"
num_projects;5
num_votes;7
budget;1000,50
vote_type;approval
currency;EUR
PROJECTS
project_id;cost;name;votes
1;250.25;"School; roof";3
2;333.33;"Say ""hello"" sign";2
3;500.10;Garden;4
4;99.99;Lamp;2
5;120.5;Bench;none
VOTES
voter_id;age;vote
1;none;1,3
2;33;3,4
3;41;1,2,3
4;none;2,4
5;29;1
6;50;3,5
7;61;
