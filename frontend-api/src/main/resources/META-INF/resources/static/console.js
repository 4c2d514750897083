// Ballast console: charts (Chart.js) and the live-event connection state. No other client logic.
(function () {
  'use strict';

  function statusChart() {
    var canvas = document.getElementById('status-chart');
    if (!canvas || !window.Chart) { return; }
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: canvas.dataset.labels.split(','),
        datasets: [{ label: 'accounts', data: canvas.dataset.values.split(',').map(Number),
          backgroundColor: ['#1c7c43', '#a86300', '#b3261e'] }]
      },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  // Every array of objects with a "date" in the evidence is a time series: one line per numeric field; points whose
  // "exception" is true are marked in red (margin under a policy that the realized move exceeded). Each chart's canvas
  // id is "series-" and the series' path with dots as dashes (policyCoverage.series: series-policyCoverage-series,
  // the recommending policy's maintenance fraction over time beside the static one in force).
  function evidenceCharts() {
    var source = document.getElementById('evidence');
    var target = document.getElementById('evidence-charts');
    if (!source || !target || !window.Chart) { return; }
    var evidence;
    try { evidence = JSON.parse(source.textContent); } catch (e) { return; }
    var colours = ['#1f5fbf', '#a86300', '#1c7c43', '#7b3fa0', '#b3261e'];
    coverageChart(evidence.coverage, evidence.policyCoverage);
    impactChart(evidence.impact);
    (function walk(node, path) {
      if (!node || typeof node !== 'object') { return; }
      if (Array.isArray(node)) {
        if (node.length && node[0] && typeof node[0] === 'object' && 'date' in node[0]) { draw(path, node); }
        return;
      }
      Object.keys(node).forEach(function (key) { walk(node[key], path ? path + '.' + key : key); });
    })(evidence, '');

    // Exceptions of the maintenance fraction in force and of the proposed one, against the expected count, per window.
    // With a recommendation, also the recommending policy replayed day by day (evidence.policyCoverage).
    function coverageChart(coverage, policy) {
      if (!coverage || !Array.isArray(coverage.before) || !Array.isArray(coverage.after)) { return; }
      var sets = [
        { label: 'exceptions, in force (constant)', data: coverage.before.map(function (w) { return w.exceptions; }), backgroundColor: '#a86300' },
        { label: 'exceptions, proposed (constant)', data: coverage.after.map(function (w) { return w.exceptions; }), backgroundColor: '#1f5fbf' }
      ];
      if (policy && Array.isArray(policy.windows)) {
        sets.push({ label: 'exceptions, recommending policy (replayed, in-sample)',
          data: coverage.before.map(function (w) {
            var match = policy.windows.filter(function (p) { return p.windowDays === w.windowDays; })[0];
            return match ? match.exceptions : null;
          }), backgroundColor: '#1c7c43' });
      }
      sets.push({ label: 'expected', data: coverage.before.map(function (w) { return w.expected; }), backgroundColor: '#9aa3b3' });
      bars('coverage: exceptions per window (in force ' + coverage.beforeMmf + ', proposed ' + coverage.afterMmf + ')',
        coverage.before.map(function (w) { return w.windowDays + ' days (' + w.days + ' returns)'; }), sets, 'coverage-chart');
    }

    // Initial margin of the most affected accounts now and with the change (USD).
    function impactChart(impact) {
      if (!impact || !Array.isArray(impact.mostAffected) || !impact.mostAffected.length) { return; }
      var rows = impact.mostAffected;
      bars('impact: initial margin now and with the change (USD)',
        rows.map(function (r) { return r.externalId || r.accountId; }), [
          { label: 'IM now', data: rows.map(function (r) { return r.initialMarginBeforeUsd; }), backgroundColor: '#9aa3b3' },
          { label: 'IM with the change', data: rows.map(function (r) { return r.initialMarginAfterUsd; }), backgroundColor: '#1f5fbf' }
        ], 'impact-chart');
    }

    function figure(title, id) {
      var fig = document.createElement('figure');
      var caption = document.createElement('figcaption');
      caption.textContent = title;
      var canvas = document.createElement('canvas');
      canvas.id = id || '';
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', 'chart of ' + title);
      fig.appendChild(caption);
      fig.appendChild(canvas);
      target.appendChild(fig);
      return canvas;
    }

    function bars(title, labels, datasets, id) {
      new Chart(figure(title, id), {
        type: 'bar', data: { labels: labels, datasets: datasets },
        options: { animation: false, scales: { y: { beginAtZero: true } } }
      });
    }

    function draw(title, rows) {
      var fields = Object.keys(rows[0]).filter(function (k) { return k !== 'date' && typeof rows[0][k] === 'number'; });
      if (!fields.length) { return; }
      var caption = title === 'policyCoverage.series'
        ? 'margin over time: maintenance fraction of the recommending policy (replayed day by day) and of the one in '
          + 'force, realized move; exceptions in red'
        : title;
      new Chart(figure(caption, 'series-' + title.replace(/\./g, '-')), {
        type: 'line',
        data: {
          labels: rows.map(function (r) { return r.date; }),
          datasets: fields.map(function (f, i) {
            return {
              label: f, data: rows.map(function (r) { return r[f]; }), borderColor: colours[i % colours.length],
              pointRadius: rows.map(function (r) { return r.exception ? 4 : 0; }),
              pointBackgroundColor: '#b3261e', borderWidth: 1.5, tension: 0
            };
          })
        },
        options: { animation: false, interaction: { mode: 'index', intersect: false } }
      });
    }
  }

  // The htmx SSE extension fires htmx:sseOpen / htmx:sseError on the connected element.
  function sseState() {
    var state = document.getElementById('sse-state');
    if (!state) { return; }
    document.body.addEventListener('htmx:sseOpen', function () {
      state.dataset.state = 'open'; state.textContent = 'live';
    });
    document.body.addEventListener('htmx:sseError', function () {
      state.dataset.state = 'error'; state.textContent = 'reconnecting…';
    });
  }

  statusChart();
  evidenceCharts();
  sseState();
})();
