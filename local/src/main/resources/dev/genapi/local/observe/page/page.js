'use strict';
// The local page: polls the stack's recent records and queue depths, and shows them. Every sum is of a metric
// that a record names in its _aws (EMF) block, as CloudWatch would count it. Records never hold prompt or
// output text, and the page shows only the fields it names below. Charts are drawn by hand on <canvas>:
// the machines this runs on may have no internet, so no chart library.

const POLL_MS = 1000;
const MIN_WINDOW_MS = 60 * 1000;
const BUCKETS = 30;
const TABLE_ROWS = 100;
const STYLE = { background: '#ffffff', grid: '#e4e7eb', axis: '#9aa5b1', label: '#616e7c' };
const COLORS = {
  hitRate: '#0f9d8a',
  requestLatency: '#2563eb',
  jobRunTime: '#d97706',
  p50: '#7c3aed',
  p95: '#dc2626',
  inputTokens: '#0ea5e9',
  outputTokens: '#f97316',
  cost: '#b91c1c',
  saved: '#16a34a',
  queues: ['#9333ea', '#db2777', '#0891b2', '#65a30d', '#ca8a04', '#4b5563'],
};

const status = document.getElementById('status');
let polls = 0;

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return response.json();
}

async function poll() {
  try {
    const [records, queues] = await Promise.all([getJson('records.json'), getJson('queues.json')]);
    render(records, queues);
    polls += 1;
    status.classList.remove('error');
    status.textContent = `Updated ${clockTime(records.now)}: ${records.seen} records since the stack started, `
      + `the last ${records.recent.length} kept (at most ${records.capacity}).`;
    status.dataset.polls = String(polls); // last, so that a reader who waits for it sees the whole page
  } catch (e) {
    status.classList.add('error');
    status.textContent = `The local stack does not answer (${e.message}); trying again.`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

function render(records, queues) {
  const entries = records.recent.map(entry => ({ ...entry, t: timeOf(entry.record) }));
  const requests = entries.filter(entry => entry.record.record === 'request');
  const jobs = entries.filter(entry => entry.record.record === 'job');
  const t = records.totals;
  const total = name => t[name] ?? 0;

  show('total-requests', integer(total('requests')));
  show('model-calls', integer(total('modelCalls')));
  show('model-errors', integer(total('modelErrors')));
  const generations = total('cacheHits') + total('cacheMisses') + total('cacheBypasses');
  show('hit-rate', generations ? percent(total('cacheHits') / generations) : '–');
  show('cache-hits', integer(total('cacheHits')));
  show('cache-misses', integer(total('cacheMisses')));
  show('cache-bypasses', integer(total('cacheBypasses')));
  const latencies = requests.map(entry => entry.metrics.latencyMs).filter(isNumber);
  show('latency-p50', latencies.length ? `${percentile(latencies, 0.5)} ms` : '–');
  show('latency-p95', latencies.length ? `${percentile(latencies, 0.95)} ms` : '–');
  show('total-tokens', integer(total('inputTokens') + total('outputTokens')));
  show('input-tokens', integer(total('inputTokens')));
  show('output-tokens', integer(total('outputTokens')));
  show('cost-usd', usd(total('costUsd')));
  show('saved-usd', usd(total('savedUsd')));
  show('jobs-succeeded', integer(total('jobsSucceeded')));
  show('jobs-failed', integer(total('jobsFailed')));
  show('jobs-dead-lettered', integer(total('jobsDeadLettered')));
  show('job-deliveries', integer(records.kinds.job ?? 0)); // the worker writes one job record per delivery
  const latest = queues.samples[queues.samples.length - 1];
  showQueues(queues.queues, latest ? latest.depths : {});

  // One time axis for every chart: from the oldest record or sample kept (at least a minute) to the stack's now.
  const oldest = Math.min(records.now - MIN_WINDOW_MS, ...entries.map(e => e.t), ...queues.samples.map(s => s.t));
  const x = { min: oldest, max: records.now };
  drawHitRate(x, entries);
  drawLatency(x, requests, jobs, latencies);
  drawTokens(x, entries);
  drawCost(x, entries);
  drawQueues(x, queues);
  showTable(entries);
}

// ---- charts

function buckets(x, entries) {
  const width = (x.max - x.min) / BUCKETS;
  const all = Array.from({ length: BUCKETS }, (_, i) => ({ start: x.min + i * width, end: x.min + (i + 1) * width, entries: [] }));
  for (const entry of entries) {
    all[Math.min(BUCKETS - 1, Math.max(0, Math.floor((entry.t - x.min) / width)))].entries.push(entry);
  }
  return all;
}

function sum(entries, metric) {
  return entries.reduce((total, entry) => total + (entry.metrics[metric] ?? 0), 0);
}

function drawHitRate(x, entries) {
  // The running rate over the records kept, one step per generation: it ends at the rate of the tile
  // while every record since the start is kept, and a single generation still draws a line.
  let hits = 0;
  let generations = 0;
  const points = [];
  for (const entry of entries) {
    const generated = (entry.metrics.cacheMisses ?? 0) + (entry.metrics.cacheBypasses ?? 0);
    if (entry.metrics.cacheHits || generated) {
      hits += entry.metrics.cacheHits ?? 0;
      generations += (entry.metrics.cacheHits ?? 0) + generated;
      points.push({ x: entry.t, y: 100 * hits / generations });
    }
  }
  if (points.length) {
    points.push({ x: x.max, y: points[points.length - 1].y });
  }
  drawChart('chart-hit-rate', { x, yMax: 100, yLabel: v => `${v}%`, series: [
    { name: 'hit rate so far (hits / generations)', color: COLORS.hitRate, kind: 'steps', points },
  ] });
}

function drawLatency(x, requests, jobs, latencies) {
  const requestPoints = requests.filter(e => isNumber(e.metrics.latencyMs)).map(e => ({ x: e.t, y: e.metrics.latencyMs }));
  const jobPoints = jobs.filter(e => isNumber(e.metrics.runMs)).map(e => ({ x: e.t, y: e.metrics.runMs }));
  const series = [
    { name: 'request latency', color: COLORS.requestLatency, kind: 'dots', points: requestPoints },
    { name: 'job run time', color: COLORS.jobRunTime, kind: 'dots', points: jobPoints },
  ];
  if (latencies.length) {
    series.push({ name: 'p50 of requests', color: COLORS.p50, kind: 'level', points: [{ y: percentile(latencies, 0.5) }] });
    series.push({ name: 'p95 of requests', color: COLORS.p95, kind: 'level', points: [{ y: percentile(latencies, 0.95) }] });
  }
  const yMax = Math.max(1, ...requestPoints.map(p => p.y), ...jobPoints.map(p => p.y));
  drawChart('chart-latency', { x, yMax, yLabel: v => `${v}`, series });
}

function drawTokens(x, entries) {
  const input = [];
  const output = [];
  for (const bucket of buckets(x, entries)) {
    const tokensIn = sum(bucket.entries, 'inputTokens');
    const tokensOut = sum(bucket.entries, 'outputTokens');
    if (tokensIn + tokensOut) {
      input.push({ x: bucket.start, x2: bucket.end, y0: 0, y: tokensIn });
      output.push({ x: bucket.start, x2: bucket.end, y0: tokensIn, y: tokensIn + tokensOut });
    }
  }
  const yMax = Math.max(1, ...output.map(p => p.y));
  drawChart('chart-tokens', { x, yMax, yLabel: v => `${v}`, series: [
    { name: 'input tokens', color: COLORS.inputTokens, kind: 'bars', points: input },
    { name: 'output tokens', color: COLORS.outputTokens, kind: 'bars', points: output },
  ] });
}

function drawCost(x, entries) {
  const cumulative = metric => {
    let total = 0;
    const points = [{ x: x.min, y: 0 }];
    for (const entry of entries) {
      if (isNumber(entry.metrics[metric])) {
        total += entry.metrics[metric];
        points.push({ x: entry.t, y: total });
      }
    }
    points.push({ x: x.max, y: total });
    return points;
  };
  const cost = cumulative('costUsd');
  const saved = cumulative('savedUsd');
  const yMax = Math.max(cost[cost.length - 1].y, saved[saved.length - 1].y) || 0.000001;
  drawChart('chart-cost', { x, yMax, yLabel: v => usd(v), series: [
    { name: 'cost', color: COLORS.cost, kind: 'steps', points: cost },
    { name: 'saved by the cache', color: COLORS.saved, kind: 'steps', points: saved },
  ] });
}

function drawQueues(x, queues) {
  const series = [];
  queues.queues.forEach((queue, i) => {
    for (const [part, color] of [['waiting', COLORS.queues[(2 * i) % COLORS.queues.length]],
                                 ['inFlight', COLORS.queues[(2 * i + 1) % COLORS.queues.length]]]) {
      const points = queues.samples.map(s => ({ x: s.t, y: s.depths[queue][part] }));
      series.push({ name: `${queue} ${part === 'waiting' ? 'waiting' : 'in flight'}`, color, kind: 'line', points });
    }
  });
  const yMax = Math.max(1, ...series.flatMap(s => s.points.map(p => p.y)));
  drawChart('chart-queues', { x, yMax, yLabel: v => `${v}`, series: series.reverse() });
}

/**
 * Draws one chart: time across, values up. Series kinds: 'line' (joined points), 'dots', 'steps' (a running
 * total), 'bars' (from y0 to y over [x, x2]) and 'level' (one value across the whole chart). The legend is
 * HTML beside the canvas, so that the canvas holds series colours only where there is data.
 */
function drawChart(id, { x, yMax, yLabel, series }) {
  const canvas = document.getElementById(id);
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = STYLE.background;
  ctx.fillRect(0, 0, width, height);

  const area = { left: 64, right: width - 10, top: 8, bottom: height - 22 };
  const top = niceCeiling(yMax);
  const px = t => area.left + (area.right - area.left) * (t - x.min) / (x.max - x.min);
  const py = v => area.bottom - (area.bottom - area.top) * v / top;

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const value = top * i / 4;
    const y = Math.round(py(value)) + 0.5;
    ctx.strokeStyle = i === 0 ? STYLE.axis : STYLE.grid;
    line(ctx, [[area.left, y], [area.right, y]]);
    ctx.fillStyle = STYLE.label;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(yLabel(round(value)), area.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let i = 0; i <= 3; i++) {
    const t = x.min + (x.max - x.min) * i / 3;
    ctx.textAlign = i === 0 ? 'left' : i === 3 ? 'right' : 'center';
    ctx.fillText(clockTime(t), px(t), area.bottom + 5);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left - 4, area.top - 4, area.right - area.left + 8, area.bottom - area.top + 8);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    const points = s.points;
    if (s.kind === 'line' && points.length > 1) {
      line(ctx, points.map(p => [px(p.x), py(p.y)]));
    }
    if (s.kind === 'steps') {
      const path = [];
      points.forEach((p, i) => {
        if (i > 0) {
          path.push([px(p.x), py(points[i - 1].y)]);
        }
        path.push([px(p.x), py(p.y)]);
      });
      line(ctx, path);
    }
    if (s.kind === 'line' || s.kind === 'dots') {
      for (const p of points) {
        ctx.beginPath();
        ctx.arc(px(p.x), py(p.y), s.kind === 'dots' ? 3.5 : 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    if (s.kind === 'bars') {
      for (const p of points) {
        const left = px(p.x) + 1;
        const barWidth = Math.max(2, px(p.x2) - px(p.x) - 2);
        ctx.fillRect(left, py(p.y), barWidth, py(p.y0) - py(p.y));
      }
    }
    if (s.kind === 'level') {
      ctx.setLineDash([6, 4]);
      line(ctx, points.flatMap(p => [[area.left, py(p.y)], [area.right, py(p.y)]]));
      ctx.setLineDash([]);
    }
  }
  ctx.restore();

  // What was drawn, for a reader that checks the pixels (the browser test).
  canvas.dataset.series = JSON.stringify(series.map(s => ({ name: s.name, color: s.color, points: s.points.length })));
  const legend = document.querySelector(`.legend[data-for="${id}"]`);
  legend.replaceChildren(...series.map(s => {
    const item = document.createElement('li');
    const swatch = document.createElement('i');
    swatch.style.background = s.color;
    item.append(swatch, s.name);
    return item;
  }));
}

function line(ctx, points) {
  ctx.beginPath();
  points.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
  ctx.stroke();
}

/** 1, 2 or 5 times a power of ten, at least {@code value}: round numbers on the y axis. */
function niceCeiling(value) {
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }
  return 10 * power;
}

function round(value) {
  return Number(value.toPrecision(6));
}

// ---- tiles and table

function show(id, text) {
  document.getElementById(id).textContent = text;
}

function showQueues(queues, depths) {
  const list = document.getElementById('queue-depths');
  if (list.children.length !== queues.length) {
    list.replaceChildren(...queues.map(queue => {
      const item = document.createElement('li');
      const waiting = document.createElement('output');
      waiting.id = `waiting-${queue}`;
      const inFlight = document.createElement('output');
      inFlight.id = `in-flight-${queue}`;
      item.append(`${queue}: `, waiting, ' / ', inFlight);
      return item;
    }));
  }
  for (const queue of queues) {
    const depth = depths[queue] ?? {};
    show(`waiting-${queue}`, isNumber(depth.waiting) ? integer(depth.waiting) : '–');
    show(`in-flight-${queue}`, isNumber(depth.inFlight) ? integer(depth.inFlight) : '–');
  }
}

function showTable(entries) {
  const rows = entries.slice(-TABLE_ROWS).reverse().map(({ seq, record, metrics, t }) => {
    const isRequest = record.record === 'request';
    const cells = [
      clockTime(t),
      record.record,
      record.function ?? '',
      isRequest ? [routeOf(record), record.jobId ?? record.batchId].filter(Boolean).join(' ')
        : [record.jobId, record.attempt ? `attempt ${record.attempt}` : ''].filter(Boolean).join(' '),
      isRequest ? [record.status, record.problemType, record.errorKind].filter(Boolean).join(' ')
        : [record.outcome, record.errorCode, record.errorKind].filter(Boolean).join(' '),
      record.cache ?? '',
      number(isRequest ? metrics.latencyMs : metrics.runMs),
      number(metrics.queueWaitMs),
      number(metrics.inputTokens),
      number(metrics.outputTokens),
      isNumber(metrics.costUsd) ? usd(metrics.costUsd) : '',
      isNumber(metrics.savedUsd) ? usd(metrics.savedUsd) : '',
      record.caller ?? '',
    ];
    const row = document.createElement('tr');
    row.dataset.seq = String(seq);
    row.dataset.kind = record.record;
    if ((isRequest && record.status >= 400) || ['failed', 'deadLettered', 'malformed'].includes(record.outcome)) {
      row.className = 'problem';
    }
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      cell.textContent = String(text); // text, never HTML
      if (i === 3) {
        cell.className = 'wrap';
      }
      if (i >= 6 && i <= 11) {
        cell.className = 'number';
      }
      row.append(cell);
    });
    return row;
  });
  document.querySelector('#recent tbody').replaceChildren(...rows);
}

/** "POST /v1/generate", whether the record's route names the method already or not. */
function routeOf(record) {
  const route = record.route ?? '';
  return record.method && !route.startsWith(`${record.method} `) ? `${record.method} ${route}` : route;
}

// ---- formats

function timeOf(record) {
  // Records carry nanoseconds (2026-11-23T10:00:00.123456789Z); Date parses milliseconds.
  return Date.parse(record.timestamp.replace(/(\.\d{3})\d+/, '$1'));
}

/** The time of day where the page is read, as hh:mm:ss. */
function clockTime(millis) {
  return new Date(millis).toLocaleTimeString('en-GB', { hour12: false });
}

function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

function integer(value) {
  return String(Math.round(value));
}

function number(value) {
  return isNumber(value) ? String(value) : '';
}

function percent(fraction) {
  return `${(100 * fraction).toFixed(1)}%`;
}

/** Dollars to the nano-dollar, as the records price them, without trailing zeros: $0.0000229. */
function usd(value) {
  const text = value.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return `$${text === '-0' ? '0' : text}`;
}

/** The nearest-rank percentile: a latency some request really had. */
function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

poll();
