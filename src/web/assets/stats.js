/* global document, window, location, Chart, fetch, IntersectionObserver */
// The statistics dashboard: draws each <canvas data-chart> from its JSON data block with Chart.js (served by HCRM
// itself, /app/assets/chart.js) and sends a click on a bar to the list behind it. No inline script, no network.
'use strict';

(function () {
  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source || typeof Chart === 'undefined') return;
    var spec = JSON.parse(source.textContent);
    var chart = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [{ label: spec.label, data: spec.values, backgroundColor: '#2f7d95', borderColor: '#2f7d95', spanGaps: false }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: spec.min, max: spec.max } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                return 'n = ' + spec.counts[item.dataIndex];
              },
            },
          },
        },
        onHover: function (event, elements) {
          canvas.style.cursor = elements.length && spec.drill[elements[0].index] ? 'pointer' : 'default';
        },
        onClick: function (event, elements) {
          if (!elements.length) return;
          var href = spec.drill[elements[0].index];
          if (href) location.assign(href);
        },
      },
    });
    canvas.setAttribute('data-drawn', String(chart.data.labels.length));
  }

  // A table the server left out of the page: its content fetched once, when it comes near the screen. A failed fetch
  // says so beside the table's link and offers to try again (printing tries again too).
  function load(box) {
    if (box.loading) return box.loading;
    var note = box.querySelector('.lazy-loading');
    var failed = box.querySelector('.lazy-failed');
    if (note) note.hidden = false;
    if (failed) failed.hidden = true;
    box.loading = fetch(box.getAttribute('data-lazy-table'), { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (reply) {
        if (!reply.ok) throw new Error(String(reply.status));
        return reply.text();
      })
      .then(function (content) {
        box.innerHTML = content;
        box.setAttribute('data-loaded', 'true');
      })
      .catch(function () {
        // The link to the table's own page stays: the figure is one click away.
        if (note) note.hidden = true;
        if (failed) failed.hidden = false;
        box.loading = null;
      });
    return box.loading;
  }

  ready(function () {
    var canvases = document.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
    var lazy = document.querySelectorAll('[data-lazy-table]');
    document.addEventListener('click', function (event) {
      var retry = event.target.closest && event.target.closest('[data-lazy-retry]');
      var box = retry && retry.closest('[data-lazy-table]');
      if (box) load(box);
    });
    if (typeof IntersectionObserver === 'function') {
      var observer = new IntersectionObserver(
        function (entries) {
          entries.forEach(function (entry) {
            if (entry.isIntersecting) {
              observer.unobserve(entry.target);
              load(entry.target);
            }
          });
        },
        { rootMargin: '400px 0px' },
      );
      for (var k = 0; k < lazy.length; k++) observer.observe(lazy[k]);
    } else {
      for (var m = 0; m < lazy.length; m++) load(lazy[m]);
    }
    var printButtons = document.querySelectorAll('[data-print]');
    for (var j = 0; j < printButtons.length; j++) {
      printButtons[j].addEventListener('click', function () {
        // The printed dashboard has every table: load those not yet shown first.
        Promise.all(Array.prototype.map.call(lazy, load)).then(function () {
          window.print();
        });
      });
    }
  });
})();
