/* claimcmp report: filters, the quote viewer and, for a large store, claims drawn
   page by page. Data reaches the page through textContent only, never as markup. */
(function () {
  'use strict';
  var doc = document;
  var form = doc.getElementById('filters');
  var count = doc.getElementById('count');
  var empty = doc.getElementById('empty');
  var dataEl = doc.getElementById('claimcmp-data');
  var data = dataEl ? JSON.parse(dataEl.textContent) : null;
  var list = doc.getElementById('claims-list');
  var PAGE = list ? Number(list.getAttribute('data-page-size')) || 50 : 50;
  var records = data ? fromData(data) : fromPage();
  var page = 0;
  var matches = [];

  function el(tag, cls, text) {
    var node = doc.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // -- the claims as records to filter -----------------------------------------
  function fromPage() {
    var byId = new Map();
    var list = [];
    doc.querySelectorAll('[data-claim]').forEach(function (node) {
      var id = node.getAttribute('data-claim');
      var rec = byId.get(id);
      if (!rec) {
        var textNode = node.querySelector('.claim-text');
        var pos = [];
        node.querySelectorAll('[data-source]').forEach(function (p) {
          pos.push([p.getAttribute('data-source'), p.getAttribute('data-stance')]);
        });
        rec = {
          id: id, topic: node.getAttribute('data-topic'), pos: pos,
          contested: node.hasAttribute('data-contested'),
          hay: (id + ' ' + (textNode ? textNode.textContent : '')).toLowerCase(), els: []
        };
        byId.set(id, rec);
        list.push(rec);
      }
      rec.els.push(node);
    });
    doc.querySelectorAll('[data-ref]').forEach(function (node) {
      var rec = byId.get(node.getAttribute('data-ref'));
      if (rec) rec.els.push(node);
    });
    return list;
  }

  function fromData(d) {
    return d.claims.map(function (c, i) {
      return {
        i: i, id: c[0], topic: c[1] >= 0 ? d.topics[c[1]][0] : '',
        pos: c[6].map(function (p) { return [d.sources[p[0]][0], d.stances[p[1]]]; }),
        contested: c[4] === 'contested', hay: (c[0] + ' ' + c[2]).toLowerCase(), el: null
      };
    });
  }

  // -- filtering ----------------------------------------------------------------
  function value(id) { var node = doc.getElementById(id); return node ? node.value : ''; }

  function current() {
    var terms = value('q').toLowerCase().split(/\s+/).filter(Boolean);
    return {
      terms: terms, topic: value('f-topic'), source: value('f-source'), stance: value('f-stance'),
      contested: doc.getElementById('f-contested').checked, order: value('f-order') || 'store'
    };
  }

  function matchesFilter(rec, f) {
    if (f.topic && rec.topic !== f.topic) return false;
    if (f.contested && !rec.contested) return false;
    for (var t = 0; t < f.terms.length; t++) if (rec.hay.indexOf(f.terms[t]) < 0) return false;
    if (f.source || f.stance) {
      var ok = rec.pos.some(function (p) {
        return (!f.source || p[0] === f.source) && (!f.stance || p[1] === f.stance);
      });
      if (!ok) return false;
    }
    return true;
  }

  function apply() {
    var f = current();
    if (data) {
      var order = f.order === 'date' ? data.byDate : null;
      var pool = order ? order.map(function (i) { return records[i]; }) : records;
      matches = pool.filter(function (rec) { return matchesFilter(rec, f); });
      page = 0;
      renderPage();
    } else {
      var shown = 0;
      records.forEach(function (rec) {
        var visible = matchesFilter(rec, f);
        if (visible) shown++;
        rec.els.forEach(function (node) { node.hidden = !visible; });
      });
      var active = f.terms.length || f.topic || f.source || f.stance || f.contested;
      doc.querySelectorAll('section.topic').forEach(function (sec) {
        sec.hidden = active && !sec.querySelector('[data-claim]:not([hidden])');
      });
      count.textContent = shown + ' of ' + records.length + ' claims shown';
      empty.hidden = shown > 0;
    }
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; apply(); });
  }

  // -- a large store: claims drawn one page at a time ---------------------------------
  function badge(stance, inferred) {
    var b = el('span', 'stance s-' + stance + (inferred ? ' inferred' : ''), stance);
    if (inferred) b.appendChild(el('span', 'inf', ' · inferred'));
    return b;
  }

  function card(rec) {
    var c = data.claims[rec.i];
    var art = el('article', 'card' + (rec.contested ? ' contested' : ''));
    art.id = 'claim-' + c[0];
    art.setAttribute('data-claim', c[0]);
    art.setAttribute('data-topic', rec.topic);
    if (rec.contested) art.setAttribute('data-contested', '1');
    art.appendChild(el('h3', 'claim-text', c[2]));
    var meta = el('p', 'meta');
    meta.appendChild(el('span', 'cid', c[0]));
    meta.appendChild(doc.createTextNode(' · ' + (c[1] >= 0 ? data.topics[c[1]][1] : '')));
    if (c[3]) { meta.appendChild(doc.createTextNode(' · ')); meta.appendChild(el('time', '', c[3])); }
    meta.appendChild(doc.createTextNode(' · '));
    meta.appendChild(el('span', 'cons c-' + c[4], c[4]));
    art.appendChild(meta);
    if (c[5]) art.appendChild(el('p', 'note', 'Note: ' + c[5]));
    var sides = el('div', 'sides');
    data.stances.forEach(function (stance, s) {
      var side = c[6].filter(function (p) { return p[1] === s; });
      if (!side.length) return;
      var box = el('div', 'side side-' + stance);
      box.appendChild(el('h4', '', stance.charAt(0).toUpperCase() + stance.slice(1) + ' (' + side.length + ')'));
      var ul = el('ul', 'plist');
      side.forEach(function (p) { ul.appendChild(positionItem(p, stance)); });
      box.appendChild(ul);
      sides.appendChild(box);
    });
    art.appendChild(sides);
    return art;
  }

  function positionItem(p, stance) {
    var sid = data.sources[p[0]][0];
    var li = el('li', 'position');
    li.setAttribute('data-source', sid);
    li.setAttribute('data-stance', stance);
    li.appendChild(badge(stance, p[3]));
    li.appendChild(doc.createTextNode(' '));
    var who = el('a', 'who', sid);
    who.href = '#src-' + sid;
    li.appendChild(who);
    var bq = el('blockquote');
    var q = el('q', '', p[2]);
    if (p[5]) {
      var a = el('a', 'quote');
      a.href = '#texts';
      a.setAttribute('data-src', sid);
      a.setAttribute('data-ranges', p[5]);
      a.title = 'Show this passage in ' + sid;
      a.appendChild(q);
      bq.appendChild(a);
    } else {
      bq.appendChild(q);
    }
    li.appendChild(bq);
    if (p[4]) li.appendChild(el('p', 'note', 'Note: ' + p[4]));
    return li;
  }

  function renderPage() {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var slice = matches.slice(page * PAGE, page * PAGE + PAGE);
    list.replaceChildren.apply(list, slice.map(function (rec) { return rec.el || (rec.el = card(rec)); }));
    var pager = doc.querySelector('.pager');
    pager.hidden = pages < 2;
    doc.getElementById('page').textContent = 'Page ' + (page + 1) + ' of ' + pages;
    doc.getElementById('prev').disabled = page === 0;
    doc.getElementById('next').disabled = page >= pages - 1;
    var first = matches.length ? page * PAGE + 1 : 0;
    count.textContent = 'Showing ' + first + '–' + (page * PAGE + slice.length) + ' of ' +
      matches.length + ' matching claims (' + records.length + ' in all)';
    empty.hidden = matches.length > 0;
  }

  function turn(step) {
    page += step;
    renderPage();
    doc.getElementById('claims-h').scrollIntoView();
  }

  // -- a quote, marked in its source ----------------------------------------------
  var lastPre = null;

  function markIn(pre, text, ranges) {
    pre.textContent = '';
    var at = 0;
    var first = null;
    ranges.forEach(function (r) {
      pre.appendChild(doc.createTextNode(text.slice(at, r[0])));
      var m = el('mark', '', text.slice(r[0], r[1]));
      pre.appendChild(m);
      if (!first) first = m;
      at = r[1];
    });
    pre.appendChild(doc.createTextNode(text.slice(at)));
    return first;
  }

  function showPassage(sid, rangesAttr) {
    var ranges = rangesAttr.split(' ').map(function (r) { return r.split('-').map(Number); });
    var pre;
    var text;
    if (data) {
      var viewer = doc.getElementById('viewer');
      var idx = data.sources.findIndex(function (s) { return s[0] === sid; });
      doc.getElementById('viewer-h').textContent = data.sources[idx][1] + ' (' + sid + ')';
      pre = doc.getElementById('viewer-text');
      text = data.texts[sid] || '';
      viewer.hidden = false;
      doc.getElementById('viewer-hint').hidden = true;
    } else {
      var article = doc.getElementById('source-' + sid);
      pre = article.querySelector('pre');
      article.querySelector('details').open = true;
      text = pre.textContent;
    }
    if (lastPre && lastPre !== pre) lastPre.textContent = lastPre.textContent;
    lastPre = pre;
    var first = markIn(pre, text, ranges);
    if (first) {
      first.tabIndex = -1;
      first.scrollIntoView({ block: 'center' });
      first.focus({ preventScroll: true });
    }
  }

  doc.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a.quote') : null;
    if (!link) return;
    event.preventDefault();
    // A history entry, so that Back returns to the quote.
    try { history.pushState(null, '', link.getAttribute('href')); } catch (e) { /* a sandboxed page */ }
    showPassage(link.getAttribute('data-src'), link.getAttribute('data-ranges'));
  });

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', function (event) { event.preventDefault(); apply(); });
  if (data) {
    doc.getElementById('prev').addEventListener('click', function () { turn(-1); });
    doc.getElementById('next').addEventListener('click', function () { turn(1); });
  }
  form.hidden = false;
  apply();
  doc.documentElement.setAttribute('data-ready', String(Math.round(performance.now())));
})();
