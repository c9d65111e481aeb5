/* global document, window, fetch, URL, URLSearchParams, AbortController, setTimeout, clearTimeout, history, location */
// HCRM staff pages: a little progressive enhancement, no framework. Everything drawn here uses textContent, never
// innerHTML, so names and notes from the database can only ever be text.
'use strict';

(function () {
  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fill(template, params) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  // Same rule as maskPhone in src/modules/patients/phone.ts: lists show only the ends of a phone number.
  function maskPhone(phone) {
    if (!phone) return '';
    if (phone.indexOf('*') >= 0) return phone;
    var mainland = phone.indexOf('+86') === 0;
    var national = mainland ? phone.slice(3) : phone.slice(1);
    if (national.length <= 6) return new Array(national.length + 1).join('*');
    var keep = mainland && /^1\d{10}$/.test(national) ? 3 : 2;
    return national.slice(0, keep) + new Array(national.length - keep - 4 + 1).join('*') + national.slice(-4);
  }

  function localDay(instant, timeZone) {
    if (!instant) return '';
    var parts = {};
    new Intl.DateTimeFormat('en-CA', { timeZone: timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(instant))
      .forEach(function (p) {
        parts[p.type] = p.value;
      });
    return parts.year + '-' + parts.month + '-' + parts.day;
  }

  // Keep in step with resultItem in src/web/pages/search.ts.
  function renderItem(p, labels, timeZone) {
    var li = el('li', 'result');
    var a = el('a', 'result-link');
    a.href = '/app/patients/' + encodeURIComponent(p.id);

    var head = el('span', 'result-head');
    head.appendChild(el('span', 'result-name', p.name));
    var meta = labels[p.gender] || p.gender;
    if (p.age !== null && p.age !== undefined) meta += ' · ' + fill(labels.age, { n: p.age });
    head.appendChild(el('span', 'result-meta', meta));
    if (!p.active) head.appendChild(el('span', 'badge badge-muted', labels.inactive));
    a.appendChild(head);

    var ids = el('span', 'result-ids');
    if (p.phone) ids.appendChild(el('span', null, labels.phone + ' ' + maskPhone(p.phone)));
    if (p.residentId) ids.appendChild(el('span', null, labels.residentId + ' ' + p.residentId));
    a.appendChild(ids);

    var foot = el('span', 'result-foot');
    foot.appendChild(el('span', 'result-visit', p.lastVisitAt ? labels.lastVisit + ' ' + localDay(p.lastVisitAt, timeZone) : labels.noVisit));
    var tags = el('span', 'tags');
    (p.tags || []).forEach(function (tag) {
      tags.appendChild(el('span', 'tag', tag));
    });
    foot.appendChild(tags);
    a.appendChild(foot);

    li.appendChild(a);
    return li;
  }

  function setupSearch() {
    var form = document.getElementById('patient-search');
    if (!form) return;
    var input = document.getElementById('q');
    var list = document.getElementById('results');
    var status = document.getElementById('search-status');
    var morePara = document.getElementById('results-more');
    var labels = JSON.parse(form.getAttribute('data-labels') || '{}');
    var timeZone = form.getAttribute('data-timezone') || 'Asia/Shanghai';
    var timer = null;
    var controller = null;
    var sequence = 0;
    var lastQuery = input.value.trim();

    function showMore(q, cursor) {
      while (morePara.firstChild) morePara.removeChild(morePara.firstChild);
      if (!cursor) {
        morePara.hidden = true;
        return;
      }
      var button = el('button', 'button', labels.more);
      button.type = 'button';
      button.addEventListener('click', function () {
        run(q, cursor);
      });
      morePara.appendChild(button);
      morePara.hidden = false;
    }

    function run(q, cursor) {
      if (controller) controller.abort();
      var mine = ++sequence;
      if (!q) {
        while (list.firstChild) list.removeChild(list.firstChild);
        status.textContent = labels.start;
        showMore(q, null);
        form.removeAttribute('aria-busy');
        return;
      }
      controller = new AbortController();
      var params = new URLSearchParams({ q: q, limit: '20' });
      if (cursor) params.set('cursor', cursor);
      form.setAttribute('aria-busy', 'true');
      if (!cursor) status.textContent = labels.loading;
      fetch('/api/patients?' + params.toString(), { credentials: 'same-origin', headers: { accept: 'application/json' }, signal: controller.signal })
        .then(function (response) {
          if (response.status === 401) {
            location.href = '/app/login?reason=expired&next=' + encodeURIComponent('/app/?q=' + q);
            return null;
          }
          if (!response.ok) throw new Error('search failed: ' + response.status);
          return response.json();
        })
        .then(function (page) {
          if (!page || mine !== sequence) return;
          if (!cursor) while (list.firstChild) list.removeChild(list.firstChild);
          page.items.forEach(function (p) {
            list.appendChild(renderItem(p, labels, timeZone));
          });
          status.textContent = list.children.length === 0 ? labels.empty : '';
          showMore(q, page.nextCursor);
          form.removeAttribute('aria-busy');
        })
        .catch(function (error) {
          if (error && error.name === 'AbortError') return;
          if (mine !== sequence) return;
          status.textContent = labels.failed;
          form.removeAttribute('aria-busy');
        });
    }

    function remember(q) {
      var url = new URL(window.location.href);
      if (q) url.searchParams.set('q', q);
      else url.searchParams.delete('q');
      url.searchParams.delete('cursor');
      url.searchParams.delete('lang');
      history.replaceState(null, '', url.pathname + url.search);
    }

    input.addEventListener('input', function () {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () {
        remember(q);
        run(q, null);
      }, 200);
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (timer) clearTimeout(timer);
      lastQuery = input.value.trim();
      remember(lastQuery);
      run(lastQuery, null);
    });

    // Put the caret at the end of a query the server already answered.
    if (input.value) input.setSelectionRange(input.value.length, input.value.length);
  }

  function focusErrors() {
    var summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  }

  ready(function () {
    setupSearch();
    focusErrors();
  });
})();
