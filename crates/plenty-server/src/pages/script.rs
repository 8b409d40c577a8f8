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
    o.approve = fd.getAll('approve').map(Number);
    o.split = [0,1,2].map(k=>Number(fd.get('split'+k)));
    const dr = fd.get('discount_rate'); if(dr!==null && dr!=='') o.discount_rate = Number(dr);
    o.scores = {};
    for(const [k,v] of fd.entries()){ if(k.startsWith('score:') && v!=='') o.scores[k.slice(6)] = Number(v); }
    return o;
  }
  for(const [k,v] of fd.entries()){
    if(v==='') continue;
    o[k] = (k==='quantity'||k==='cost_hours'||k==='year') ? Number(v) : v;
  }
  return o;
}
document.querySelectorAll('form[data-api]').forEach(form=>{
  form.addEventListener('submit', async ev=>{
    ev.preventDefault();
    const status = form.querySelector('.status');
    status.className='status'; status.textContent='…';
    const method = form.dataset.method || 'POST';
    const headers = {'Content-Type':'application/json'};
    if(method!=='GET' && !['login-form','signup-form'].includes(form.id)){ const t = await csrf(); if(t) headers['X-CSRF-Token']=t; }
    const r = await fetch(form.dataset.api, {method, headers, body: method==='GET'?undefined:JSON.stringify(body(form))});
    let j = {}; try { j = await r.json(); } catch(e) {}
    if(r.ok){
      status.classList.add(form.id==='verify-form' && !j.ok ? 'err' : 'ok');
      status.textContent = form.id==='verify-form' ? (j.ok ? 'The log verifies: '+j.report.entries+' entries, '+j.report.tallies_checked+' counts recomputed.' : 'The log does NOT verify: entry '+j.report.first_bad[0]+': '+j.report.first_bad[1])
        : j.receipt ? 'Ballot recorded'+(j.replaces?' (it replaces your earlier ballot)':'')+'. Your receipt: '+j.receipt : 'Done.';
      if(form.dataset.next){ location.href = form.dataset.next; }
      else if(['need-form','proposal-form','advance-form'].includes(form.id)){ setTimeout(()=>location.reload(), 400); }
    } else {
      status.classList.add('err');
      status.textContent = (j.message || ('Error '+r.status));
    }
  });
});
const lo = document.getElementById('logout');
if(lo) lo.addEventListener('click', async ev=>{ ev.preventDefault(); const t = await csrf(); await fetch('/api/v1/logout',{method:'POST',headers:{'X-CSRF-Token':t||''}}); location.href='/'; });
const ps = document.getElementById('plan-status');
if(ps && ps.dataset.computing){ setTimeout(()=>location.reload(), 1000); }
const ef = document.getElementById('effect');
if(ef){ fetch('/api/v1/rounds/'+ef.dataset.round+'/effect').then(r=>r.ok?r.json():null).then(j=>{
  if(!j) return;
  if(!j.voted){ ef.innerHTML='<p>'+j.note+'</p>'; return; }
  const w=j.with_your_ballot, o=j.without_your_ballot;
  let html = '<p>With your ballot (weight '+(j.weight||[1])[0]+'): projects '+JSON.stringify(w.funded)+', split '+w.split.map(x=>x.toFixed(3)).join(' / ')+'.</p><p>Without it: projects '+JSON.stringify(o.funded)+', split '+o.split.map(x=>x.toFixed(3)).join(' / ')+'.</p>';
  let changed = j.changed.funded||j.changed.split||j.changed.quorum;
  const y = j.years;
  if(y){
    changed = changed || y.changed;
    html += '<p>Discount rate: '+y.rate_with+' with your ballot, '+y.rate_without+' without it. Σλ: '+y.total_lambda_with.toFixed(4)+' with, '+y.total_lambda_without.toFixed(4)+' without.</p><table id=effect-years><tr><th>year</th><th>λ with your ballot</th><th>λ without it</th><th>difference</th></tr>'
      + y.years.map(r=>'<tr><td>'+r.year+'</td><td class=n>'+r.lambda_with.toFixed(4)+'</td><td class=n>'+r.lambda_without.toFixed(4)+'</td><td class=n>'+(r.lambda_with-r.lambda_without).toFixed(4)+'</td></tr>').join('') + '</table>';
  }
  ef.innerHTML = html + '<p><strong>'+(changed?'Your ballot changed the outcome.':'Your ballot did not change the outcome this time.')+'</strong></p>';
}); }
"#;
