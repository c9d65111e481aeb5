/* global document, window, location, Chart */
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

  ready(function () {
    var canvases = document.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
    var printButtons = document.querySelectorAll('[data-print]');
    for (var j = 0; j < printButtons.length; j++) {
      printButtons[j].addEventListener('click', function () {
        window.print();
      });
    }
  });
})();
