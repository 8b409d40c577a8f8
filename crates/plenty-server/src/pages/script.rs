//! The one script of the pages.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

/// `GET /static/app.js`: sends forms to the API.
pub async fn script() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT).into_response()
}

const SCRIPT: &str = r#"
async function csrf(){ const r = await fetch('/api/v1/me'); if(!r.ok) return null; return (await r.json()).csrf_token; }
function body(form){
  const o = {}; const fd = new FormData(form);
  if(form.id==='ballot-form'){
    // Only the questions the member answers are sent: an absent part abstains, and the
    // member's delegate on that topic votes for them.
    const answered = p => fd.get('answer-'+p)==='answer';
    if(answered('projects')) o.approve = fd.getAll('approve').map(Number);
    if(answered('split')) o.split = [0,1,2].map(k=>Number(fd.get('split'+k)));
    if(answered('discount')){ const dr = fd.get('discount_rate'); if(dr!==null && dr!=='') o.discount_rate = Number(dr); }
    if(answered('priorities')){
      o.scores = {};
      for(const [k,v] of fd.entries()){ if(k.startsWith('score:') && v!=='') o.scores[k.slice(6)] = Number(v); }
    }
    return o;
  }
  if(form.id==='delegate-form'){ return {topic: fd.get('topic'), to: Number(fd.get('to'))}; }
  if(form.id==='profile-form'){ return {name: fd.get('name'), notify_email: fd.get('notify_email')==='on'}; }
  if(form.id==='delete-form'){ return {password: fd.get('password')}; }
  if(form.id==='notices-seen-form'){ return {}; }
  if(form.id==='openness-form'){ return {shown: fd.get('shown')!==null}; }
  if(form.id==='support-form'){ return {supported: fd.get('supported')==='true'}; }
  for(const [k,v] of fd.entries()){
    if(v==='') continue;
    o[k] = (k==='quantity'||k==='cost_hours'||k==='year') ? Number(v) : k==='signed' ? true : v;
  }
  // A quantity far beyond what the economy can make, confirmed by the member (issue #15).
  if(form.dataset.confirmed){ o.confirm = true; delete form.dataset.confirmed; }
  return o;
}
document.querySelectorAll('form[data-api]').forEach(form=>{
  form.addEventListener('submit', async ev=>{
    ev.preventDefault();
    const status = form.querySelector('.status');
    status.className='status'; status.textContent='…';
    const method = form.dataset.method || 'POST';
    const headers = {'Content-Type':'application/json'};
    if(method!=='GET' && !['login-form','signup-form','forgot-form','reset-form'].includes(form.id)){ const t = await csrf(); if(t) headers['X-CSRF-Token']=t; }
    const r = await fetch(form.dataset.api, {method, headers, body: method==='GET'?undefined:JSON.stringify(body(form))});
    let j = {}; try { j = await r.json(); } catch(e) {}
    if(r.ok){
      status.classList.add(form.id==='verify-form' && !j.ok ? 'err' : 'ok');
      status.textContent = form.id==='verify-form' ? (j.ok ? 'The log verifies: '+j.report.entries+' entries, '+j.report.tallies_checked+' counts recomputed.' : 'The log does NOT verify: entry '+j.report.first_bad[0]+': '+j.report.first_bad[1])
        : j.receipt ? 'Ballot recorded'+(j.replaces?' (it replaces your earlier ballot)':'')+'. Your receipt: '+j.receipt : (form.dataset.done || 'Done.');
      if(form.id==='signup-form'){ location.href = '/login?joined='+(j.admitted ? 'member' : 'applicant'); }
      else if(form.dataset.next){ location.href = form.dataset.next; }
      else if(['need-form','proposal-form','advance-form','delegate-form','openness-form'].includes(form.id)){ setTimeout(()=>location.reload(), 400); }
    } else {
      status.classList.add('err');
      status.textContent = (j.message || ('Error '+r.status));
      if(j.error==='needs_confirmation'){
        // Ask, in the form: the quantity stays as typed until the member confirms it.
        const yes = document.createElement('button');
        yes.type = 'button'; yes.className = 'confirm'; yes.textContent = 'Yes, I mean it: send it anyway';
        yes.addEventListener('click', ()=>{ form.dataset.confirmed = '1'; form.requestSubmit(); });
        status.append(' ', yes);
      }
    }
  });
});
// The ballot: a question touched is a question answered; running totals; the member's
// current ballot filled in.
const bf = document.getElementById('ballot-form');
const pageLang = document.documentElement.lang || 'en';
function hoursText(x){ return (Math.round(x*10)/10).toLocaleString(pageLang)+' h'; }
function ballotTotals(){
  if(!bf) return;
  const ticked = [...bf.querySelectorAll('input[name=approve]:checked')].reduce((s,i)=>s+Number(i.dataset.hours||0),0);
  const at = document.getElementById('approved-total');
  const total = Number(bf.dataset.totalHours||0);
  const inv = Number(bf.querySelector('input[name=split1]')?.value||0);
  const fill = (t, vars) => Object.entries(vars).reduce((s,[k,v])=>s.replace(new RegExp('\\{\\s*\\$'+k+'\\s*\\}'), v), t||'');
  if(at) at.textContent = fill(bf.dataset.tTicked, {hours: hoursText(ticked), budget: hoursText(total*inv)});
  const st = document.getElementById('split-total');
  const sum = [0,1,2].reduce((s,k)=>s+Number(bf.querySelector('input[name=split'+k+']')?.value||0),0);
  if(st){ const ok = Math.abs(sum-1)<0.005; st.textContent = fill(ok ? bf.dataset.tTotalOk : bf.dataset.tTotal, {total: sum.toLocaleString(pageLang, {minimumFractionDigits: 2, maximumFractionDigits: 2})}); st.className = ok?'ok':'err'; }
}
function answer(part, yes){
  const r = bf && bf.querySelector('input[name=answer-'+part+'][value='+(yes?'answer':'leave')+']');
  if(r) r.checked = true;
}
if(bf){
  bf.querySelectorAll('fieldset[data-part]').forEach(fs=>{
    fs.addEventListener('input', ev=>{ if(ev.target.type!=='radio') answer(fs.dataset.part, true); ballotTotals(); });
    fs.addEventListener('change', ev=>{ if(ev.target.type!=='radio') answer(fs.dataset.part, true); ballotTotals(); });
  });
  ballotTotals();
  fetch('/api/v1/rounds/'+bf.dataset.round+'/my-ballot').then(r=>r.ok?r.json():null).then(j=>{
    if(!j || !j.ballot) return;
    const b = j.ballot;
    if(b.approve && b.approve.length){ b.approve.forEach(id=>{ const c = bf.querySelector('input[name=approve][value="'+id+'"]'); if(c) c.checked = true; }); answer('projects', true); }
    if(b.split){ b.split.forEach((x,k)=>{ const i = bf.querySelector('input[name=split'+k+']'); if(i) i.value = x; }); answer('split', true); }
    if(b.scores && Object.keys(b.scores).length){ for(const [p,v] of Object.entries(b.scores)){ const s = bf.querySelector('select[name="score:'+p+'"]'); if(s) s.value = String(v); } answer('priorities', true); }
    if(b.discount_rate!==undefined && b.discount_rate!==null){ const i = bf.querySelector('input[name=discount_rate]'); if(i){ i.value = b.discount_rate; answer('discount', true); } }
    ballotTotals();
  });
}
// The language links remember the choice.
document.querySelectorAll('a[data-lang]').forEach(a=>a.addEventListener('click', ()=>{ document.cookie = 'plenty_lang='+a.dataset.lang+'; path=/; max-age=31536000; SameSite=Lax'; }));
const lo = document.getElementById('logout');
if(lo) lo.addEventListener('click', async ev=>{ ev.preventDefault(); const t = await csrf(); await fetch('/api/v1/logout',{method:'POST',headers:{'X-CSRF-Token':t||''}}); location.href='/'; });
const ps = document.getElementById('plan-status');
if(ps && ps.dataset.computing){ setTimeout(()=>location.reload(), 1000); }
const ef = document.getElementById('effect');
function h(s){ return String(s).replace(/[&<>"']/g, c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c])); }
function pct(x){ return (Math.round(x*1000)/10)+' %'; }
if(ef){ fetch('/api/v1/rounds/'+ef.dataset.round+'/effect').then(r=>r.ok?r.json():null).then(j=>{
  if(!j) return;
  if(!j.voted){ ef.innerHTML='<p>'+h(j.note)+'</p>'; return; }
  let names = {}; try { names = JSON.parse(ef.dataset.names||'{}'); } catch(e) {}
  const projects = ids => ids.length ? ids.map(i=>h(names[i]||('project '+i))).join(', ') : 'none';
  const split = s => 'consumption '+pct(s[0])+', investment '+pct(s[1])+', common funds '+pct(s[2]);
  const w=j.with_your_ballot, o=j.without_your_ballot;
  let html = '<p>With your ballot (it counted '+h((j.weight||[1])[0])+' times): projects funded: '+projects(w.funded)+'; split of hours: '+split(w.split)+'.</p><p>Without it: projects funded: '+projects(o.funded)+'; split of hours: '+split(o.split)+'.</p>';
  // In plain words: what the ballot decided, in projects, hours and products (issue #15).
  const gained = w.funded.filter(i=>!o.funded.includes(i)), lost = o.funded.filter(i=>!w.funded.includes(i));
  if(!w.quorum_met){ html += '<p id=effect-quorum>The quorum was not met: the vote did not count, no project was funded and the default split applies.</p>'; }
  else if(!o.quorum_met){ html += '<p id=effect-quorum>Without your ballot the quorum would not have been met: no project would have been funded and the default split would apply.</p>'; }
  if(gained.length){ html += '<p id=effect-projects>Your ballot helped fund '+projects(gained)+(lost.length ? '; without it '+projects(lost)+' would have been funded' : '')+'.</p>'; }
  const p = j.plan;
  if(p){
    const d = p.working_week_with - p.working_week_without;
    const hh = x=>(Math.round(x*10)/10).toLocaleString(pageLang)+' h';
    html += '<p id=effect-week>Your working week: '+hh(p.working_week_with)+' with your ballot, '+hh(p.working_week_without)+' without it ('+(d>=0?'+':'−')+hh(Math.abs(d))+'). Common projects: '+hh(p.project_hours[0])+' with your ballot, '+hh(p.project_hours[1])+' without it.</p>';
    if(p.products.length){ html += '<ul id=effect-products>'+p.products.map(x=>'<li>'+h(x.name)+': '+(Math.round(x.with*100)/100).toLocaleString(pageLang)+' '+h(x.unit)+' with your ballot, '+(Math.round(x.without*100)/100).toLocaleString(pageLang)+' '+h(x.unit)+' without it</li>').join('')+'</ul>'; }
  }
  let changed = j.changed.funded||j.changed.split||j.changed.quorum;
  const y = j.years;
  if(y){
    changed = changed || y.changed;
    html += '<p>Each later year counts '+pct(y.rate_with)+' less with your ballot, '+pct(y.rate_without)+' without it.</p><div class=scroll role=region aria-label="Your ballot, year by year" tabindex=0><table id=effect-years><tr><th>year</th><th>targets made with your ballot</th><th>without it</th><th>difference</th></tr>'
      + y.years.map(r=>'<tr><td>'+h(r.year)+'</td><td class=n>'+pct(r.lambda_with)+'</td><td class=n>'+pct(r.lambda_without)+'</td><td class=n>'+pct(r.lambda_with-r.lambda_without)+'</td></tr>').join('') + '</table></div>';
  }
  ef.innerHTML = html + '<p><strong>'+(changed?'Your ballot changed the outcome.':'Your ballot did not change the outcome this time.')+'</strong></p>';
}); }
"#;
