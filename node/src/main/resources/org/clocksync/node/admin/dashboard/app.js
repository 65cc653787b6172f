// clocksync dashboard: polls GET /status of every node once a second and draws the cluster, the offsets, the
// elections and the last Berkeley rounds. Plain JavaScript, no framework, nothing fetched but the nodes' /status.
'use strict';

(function () {
  const POLL_MILLIS = 1000;
  const TIMEOUT_MILLIS = 900;
  const WINDOW_MILLIS = 5 * 60 * 1000;
  const MAX_NODES = 32;
  const MAX_ROUNDS = 8;
  const MAX_ELECTIONS = 20;
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22'];

  const nodes = parseNodes().map((address, i) => ({
    address: address,
    color: COLORS[i % COLORS.length],
    status: null,       // last /status that answered
    fresh: false,       // did it answer in the last poll?
    error: '',
    fromMeanNanos: null,
    series: [],         // {t, v}: offset from the cluster mean in ns at browser time t; v null = no answer
  }));
  const names = new Map();       // node id -> name, from every status seen
  const epochsSeen = new Map();  // epoch -> browser time first seen
  const markers = [];            // {t, epoch, coordinatorId}: coordinator or epoch changed
  const elections = new Map();   // epoch -> merged election entry
  const rounds = new Map();      // "master:epoch:round" -> round entry
  let updates = 0;
  let openedAt = null;           // browser time of the first poll: the chart's window grows from 1 to 5 minutes

  /** ?nodes=HOST:PORT,... (admin addresses), or this node when absent; odd entries are dropped. */
  function parseNodes() {
    const param = new URLSearchParams(window.location.search).get('nodes');
    const list = (param ? param.split(',') : [window.location.host])
      .map((s) => s.trim())
      .filter((s) => /^[A-Za-z0-9._\-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/.test(s));
    return Array.from(new Set(list)).slice(0, MAX_NODES);
  }

  async function fetchStatus(node) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MILLIS);
    try {
      const response = await fetch(window.location.protocol + '//' + node.address + '/status',
        { cache: 'no-store', signal: controller.signal });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return { ok: true, status: await response.json() };
    } catch (e) {
      // fetch() says only "Failed to fetch" for a refused connection, a reset or a CORS refusal.
      return { ok: false, error: e.name === 'AbortError' ? 'no answer within ' + TIMEOUT_MILLIS + ' ms'
        : e.name === 'TypeError' ? 'connection failed' : String(e.message || e) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function refresh() {
    const started = Date.now();
    const results = await Promise.all(nodes.map(fetchStatus));
    const now = Date.now();
    try {
      absorb(results, now);
      render(now);
    } catch (e) {
      console.error('dashboard: render failed', e);
    }
    updates += 1;
    document.body.dataset.updated = String(updates);
    setTimeout(refresh, Math.max(0, POLL_MILLIS - (Date.now() - started)));
  }

  // ---- state ----------------------------------------------------------------------------------------------

  function absorb(results, now) {
    const firstPoll = updates === 0;
    if (firstPoll) {
      openedAt = now;
    }
    results.forEach((r, i) => {
      const node = nodes[i];
      node.fresh = r.ok;
      node.error = r.ok ? '' : r.error;
      if (r.ok) {
        node.status = r.status;
        learnNames(r.status);
      }
    });
    const live = nodes.filter((n) => n.fresh);
    const mean = live.reduce((sum, n) => sum + n.status.clockOffsetFromHostNanos, 0) / Math.max(1, live.length);
    for (const node of nodes) {
      node.fromMeanNanos = node.fresh ? node.status.clockOffsetFromHostNanos - mean : null;
      node.series.push({ t: now, v: node.fromMeanNanos });
      while (node.series.length > 0 && node.series[0].t < now - WINDOW_MILLIS) {
        node.series.shift();
      }
    }
    for (const node of live) {
      const s = node.status;
      observeEpoch(s, now, firstPoll);
      mergeElections(s, now);
      if (s.role === 'MASTER' && s.lastRound) {
        keepRound(s, now);
      }
    }
    while (markers.length > 0 && markers[0].t < now - WINDOW_MILLIS) {
      markers.shift();
    }
  }

  function learnNames(s) {
    names.set(s.id, s.name);
    for (const m of s.members || []) {
      if (m.name) {
        names.set(m.id, m.name);
      }
    }
  }

  function nameOf(id) {
    return names.get(id) || ('node ' + id);
  }

  function observeEpoch(s, now, firstPoll) {
    if (epochsSeen.has(s.epoch)) {
      return;
    }
    epochsSeen.set(s.epoch, now);
    if (!firstPoll) {
      markers.push({ t: now, epoch: s.epoch, coordinatorId: s.coordinatorId });
    }
    const e = electionEntry(s.epoch, s.coordinatorId);
    if (e.t === null) {
      e.t = now;
      e.observedOnly = true;
      e.trigger = firstPoll ? 'in place when this page opened' : 'epoch change seen by the dashboard';
    }
  }

  function electionEntry(epoch, coordinatorId) {
    let e = elections.get(epoch);
    if (!e) {
      e = { epoch: epoch, coordinatorId: coordinatorId, t: null, algorithm: '', trigger: '', observedOnly: false,
        durationMillis: null, messages: new Map(), seenBy: new Set() };
      elections.set(epoch, e);
    }
    return e;
  }

  // Key ids and TLS as the node reports them (never the key), and what it refused: a growing count is an attack
  // or a misconfigured peer.
  function securityBadges(s) {
    const sec = s.security;
    if (!sec) {
      return [el('span', { class: 'muted' }, '\u2014')];
    }
    const parts = [];
    parts.push(el('span', { class: sec.authenticated ? 'peer alive' : 'muted',
      title: sec.authenticated ? 'frames signed with key ' + sec.signingKeyId + '; keys held: ' + sec.keyIds
        : 'no --key-file: frames are not authenticated' },
    sec.authenticated ? 'key ' + sec.signingKeyId : 'no key'));
    if (sec.tls) {
      parts.push(el('span', { class: 'peer alive', title: 'mutual TLS' }, 'TLS'));
    }
    const refused = sec.framesRejected || {};
    const total = Object.values(refused).reduce((a, b) => a + b, 0);
    if (total > 0) {
      parts.push(el('span', { class: 'peer suspected',
        title: Object.entries(refused).map(([k, v]) => k + ' ' + v).join(', ') }, total + ' refused'));
    }
    return parts;
  }

  function mergeElections(s, now) {
    const list = (s.cluster && s.cluster.elections) || [];
    for (const r of list) {
      const e = electionEntry(r.epoch, r.coordinatorId);
      const startedAt = now - r.startedAgoMillis;
      if (e.observedOnly || e.t === null || startedAt < e.t) {
        e.t = startedAt;
      }
      e.observedOnly = false;
      if (r.coordinatorId > 0) {
        e.coordinatorId = r.coordinatorId;  // 0 while that node's election is still running
      }
      e.algorithm = r.algorithm;
      if (!e.trigger || e.trigger.startsWith('in place') || e.trigger.startsWith('epoch change')) {
        e.trigger = r.trigger;
      }
      if (r.durationMillis !== null && r.durationMillis !== undefined) {
        e.durationMillis = Math.max(e.durationMillis || 0, r.durationMillis);
      }
      e.messages.set(s.id, r.messagesSent);
      e.seenBy.add(s.id);
    }
    const keep = Array.from(elections.values()).sort((a, b) => b.t - a.t).slice(0, MAX_ELECTIONS);
    if (keep.length < elections.size) {
      const epochs = new Set(keep.map((e) => e.epoch));
      for (const epoch of Array.from(elections.keys())) {
        if (!epochs.has(epoch)) {
          elections.delete(epoch);
        }
      }
    }
  }

  function keepRound(s, now) {
    const lr = s.lastRound;
    const key = s.id + ':' + s.epoch + ':' + lr.roundId;
    if (!rounds.has(key)) {
      const members = lr.members || [];
      rounds.set(key, {
        roundId: lr.roundId,
        masterId: s.id,
        t: now - (lr.ageMillis || 0),
        included: members.filter((m) => m.status === 'INCLUDED').length,
        total: members.length,
        leftOut: members.filter((m) => m.status !== 'INCLUDED'),
      });
    }
    const keep = Array.from(rounds.entries()).sort((a, b) => b[1].t - a[1].t).slice(MAX_ROUNDS);
    for (const [k] of keep) {
      rounds.delete(k);
    }
  }

  // ---- formatting -----------------------------------------------------------------------------------------

  /** Nanoseconds as clockctl prints them: "+14.5 us", "-1.234 ms", "+2.500001 s". */
  function fmtNanos(ns, signed) {
    if (ns === null || ns === undefined || Number.isNaN(ns)) {
      return '\u2014';
    }
    const sign = ns < 0 ? '-' : (signed ? '+' : '');
    const a = Math.abs(ns);
    if (a < 1e3) return sign + a.toFixed(0) + ' ns';
    if (a < 1e6) return sign + (a / 1e3).toFixed(1) + ' us';
    if (a < 1e9) return sign + (a / 1e6).toFixed(3) + ' ms';
    return sign + (a / 1e9).toFixed(6) + ' s';
  }

  function fmtAgo(t, now) {
    const s = Math.max(0, Math.round((now - t) / 1000));
    const clock = new Date(t).toLocaleTimeString([], { hour12: false });
    return clock + ' (' + (s < 120 ? s + ' s' : Math.round(s / 60) + ' min') + ' ago)';
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else if (k === 'title') e.title = v;
      else if (k === 'colspan') e.colSpan = Number(v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) {
        e.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
    }
    return e;
  }

  function swatch(color) {
    const s = el('span', { class: 'swatch' });
    s.style.background = color;
    return s;
  }

  // ---- rendering ------------------------------------------------------------------------------------------

  function render(now) {
    renderSummary(now);
    renderNodes();
    renderChart(now);
    renderElections(now);
    renderRounds(now);
  }

  function renderSummary(now) {
    const live = nodes.filter((n) => n.fresh);
    const parts = [];
    const coords = new Map();
    for (const n of live) {
      const k = n.status.coordinatorId + '@' + n.status.epoch;
      coords.set(k, (coords.get(k) || 0) + 1);
    }
    if (coords.size === 1) {
      const s = live[0].status;
      parts.push('coordinator ' + nameOf(s.coordinatorId) + ' (epoch ' + s.epoch + ')');
    } else if (coords.size > 1) {
      parts.push('nodes disagree on the coordinator: ' + Array.from(coords.entries())
        .map(([k, c]) => nameOf(Number(k.split('@')[0])) + ' in epoch ' + k.split('@')[1] + ' (' + c + ')')
        .join(', '));
    }
    if (live.length > 1) {
      const offs = live.map((n) => n.status.clockOffsetFromHostNanos);
      parts.push('spread ' + fmtNanos(Math.max(...offs) - Math.min(...offs), false));
    }
    parts.push(live.length + ' of ' + nodes.length + ' nodes answering');
    parts.push('updated ' + new Date(now).toLocaleTimeString([], { hour12: false }));
    document.getElementById('summary').textContent = parts.join(' \u00b7 ');
  }

  function renderNodes() {
    const rows = nodes.map((n) => {
      const s = n.status;
      const attrs = { 'data-address': n.address, class: n.fresh ? 'reachable' : 'unreachable' };
      if (s) attrs['data-node-id'] = String(s.id);
      const name = el('td', { class: 'name' }, swatch(n.color), s ? s.name : n.address);
      if (!n.fresh) {
        const last = s ? 'last seen as ' + s.role + ' in epoch ' + s.epoch : 'never answered';
        return el('tr', attrs, name, el('td', {}, s ? s.id : '\u2014'),
          el('td', { class: 'role', title: n.error }, 'unreachable'),
          el('td', { class: 'muted', colspan: '6' }, last + ' (' + n.error + ')'), el('td', {}, n.address));
      }
      return el('tr', attrs, name, el('td', {}, s.id),
        el('td', { class: 'role role-' + s.role }, s.role),
        el('td', { class: 'coordinator' }, nameOf(s.coordinatorId)),
        el('td', {}, s.epoch),
        el('td', { class: 'num from-mean' }, fmtNanos(n.fromMeanNanos, true)),
        el('td', { class: 'num' }, fmtNanos(s.clockOffsetFromHostNanos, true)),
        el('td', {}, ...peerBadges(s)),
        el('td', {}, ...securityBadges(s)),
        el('td', {}, n.address));
    });
    document.querySelector('#nodes tbody').replaceChildren(...rows);
  }

  function peerBadges(s) {
    if (!s.cluster) {
      return [el('span', { class: 'muted' }, 'no --peers')];
    }
    return s.cluster.peers.map((p) => el('span', {
      class: 'peer ' + p.state,
      title: p.address + (p.lastHeartbeatAgeMillis === null ? '' : ', heard ' + p.lastHeartbeatAgeMillis + ' ms ago'),
    }, nameOf(p.id) + ' ' + p.state));
  }

  function renderElections(now) {
    const list = Array.from(elections.values()).sort((a, b) => b.t - a.t);
    const rows = list.map((e) => el('tr', { 'data-epoch': String(e.epoch), 'data-coordinator-id': String(e.coordinatorId) },
      el('td', { class: 'when' }, fmtAgo(e.t, now)),
      el('td', {}, e.epoch),
      el('td', { class: 'name' }, e.coordinatorId > 0 ? nameOf(e.coordinatorId) : 'deciding\u2026'),
      el('td', {}, e.algorithm || '\u2014'),
      el('td', {}, e.trigger),
      el('td', { class: 'num' }, e.durationMillis === null ? (e.observedOnly ? '\u2014' : 'running')
        : e.durationMillis.toFixed(1) + ' ms'),
      el('td', { class: 'num' }, e.messages.size === 0 ? '\u2014'
        : Array.from(e.messages.values()).reduce((a, b) => a + b, 0)),
      el('td', {}, Array.from(e.seenBy).map(nameOf).join(', ') || 'dashboard')));
    if (rows.length === 0) {
      rows.push(el('tr', {}, el('td', { class: 'empty' }, 'none yet')));
    }
    document.querySelector('#elections tbody').replaceChildren(...rows);
  }

  function renderRounds(now) {
    const list = Array.from(rounds.values()).sort((a, b) => b.t - a.t);
    const rows = list.map((r) => el('tr', { 'data-round-id': String(r.roundId), 'data-master-id': String(r.masterId) },
      el('td', {}, r.roundId),
      el('td', {}, nameOf(r.masterId)),
      el('td', { class: 'when' }, fmtAgo(r.t, now)),
      el('td', { class: 'num' }, r.included + '/' + r.total),
      el('td', {}, ...(r.leftOut.length === 0 ? [el('span', { class: 'muted' }, 'none')]
        : r.leftOut.map((m) => el('span', { class: 'left-out status-' + m.status },
          (m.name || nameOf(m.id)) + ' ' + m.status + (m.reason ? ': ' + m.reason : '')))))));
    if (rows.length === 0) {
      rows.push(el('tr', {}, el('td', { class: 'empty' }, 'no master answering with a round yet')));
    }
    document.querySelector('#rounds tbody').replaceChildren(...rows);
  }

  // ---- chart ----------------------------------------------------------------------------------------------

  function niceStep(range, ticks) {
    const raw = range / ticks;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / pow;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
  }

  /** log scale: sign(v) log10(1 + |v| / 1 us), so 0 sits in the middle and 1 us .. seconds all show. */
  function symlog(v) {
    return Math.sign(v) * Math.log10(1 + Math.abs(v) / 1e3);
  }

  function renderChart(now) {
    const canvas = document.getElementById('offset-chart');
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 84;
    const right = 12;
    const top = 22;
    const bottom = 24;
    const plotW = Math.max(10, width - left - right);
    const plotH = Math.max(10, height - top - bottom);
    const span = Math.min(WINDOW_MILLIS, Math.max(60000, now - (openedAt === null ? now : openedAt)));
    const t0 = now - span;
    const x = (t) => left + (t - t0) / span * plotW;

    let points = 0;
    let series = 0;
    let maxAbs = 1e3;
    const abs = [];
    for (const n of nodes) {
      let drawn = 0;
      for (const p of n.series) {
        if (p.v !== null && p.t >= t0) {
          maxAbs = Math.max(maxAbs, Math.abs(p.v));
          abs.push(Math.abs(p.v));
          drawn += 1;
        }
      }
      points += drawn;
      series += drawn > 0 ? 1 : 0;
    }

    // auto: log when a few points (the seconds of a cold start) would flatten the rest on a linear axis
    abs.sort((a, b) => a - b);
    const medianAbs = abs.length === 0 ? 0 : abs[Math.floor(abs.length / 2)];
    const choice = document.getElementById('scale').value;
    const log = choice === 'log' || (choice === 'auto' && maxAbs > 100 * Math.max(medianAbs, 1e3));
    let ticks;
    let yOf;
    if (log) {
      const decades = Math.max(1, Math.ceil(symlog(maxAbs)));
      yOf = (v) => top + plotH / 2 - symlog(v) / decades * (plotH / 2);
      ticks = [0];
      for (let d = 0; d <= decades; d += decades > 6 ? 2 : 1) {
        const v = 1e3 * Math.pow(10, d);
        if (symlog(v) <= decades) ticks.push(v, -v);
      }
    } else {
      const step = niceStep(2 * maxAbs, 6);
      const top_ = Math.ceil(maxAbs / step) * step;
      yOf = (v) => top + plotH / 2 - v / top_ * (plotH / 2);
      ticks = [];
      for (let v = -top_; v <= top_ + step / 2; v += step) ticks.push(Math.abs(v) < step / 1e6 ? 0 : v);
    }

    // grid and axes
    g.font = '11px "DejaVu Sans", sans-serif';
    g.lineWidth = 1;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    for (const v of ticks) {
      const y = Math.round(yOf(v)) + 0.5;
      g.strokeStyle = v === 0 ? '#8a92a3' : '#e4e7ee';
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + plotW, y); g.stroke();
      g.fillStyle = '#6b7385';
      g.fillText(v === 0 ? '0' : fmtTick(v), left - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const tickMillis = span <= 60000 ? 10000 : span <= 150000 ? 30000 : 60000;
    for (let ago = 0; ago <= span; ago += tickMillis) {
      const xx = Math.round(x(now - ago)) + 0.5;
      g.strokeStyle = '#eef0f4';
      g.beginPath(); g.moveTo(xx, top); g.lineTo(xx, top + plotH); g.stroke();
      g.fillStyle = '#6b7385';
      g.fillText(ago === 0 ? 'now' : ago % 60000 === 0 ? '-' + ago / 60000 + ' min' : '-' + ago / 1000 + ' s',
        xx, top + plotH + 6);
    }
    g.strokeStyle = '#b8beca';
    g.strokeRect(left + 0.5, top + 0.5, plotW, plotH);

    // failover markers; labels take the first row (above and inside the plot) where they overlap no other
    let markersDrawn = 0;
    const labelRows = [];  // per row, the right edge of its last label
    g.textAlign = 'left';
    g.textBaseline = 'bottom';
    for (const mk of markers) {
      if (mk.t < t0) continue;
      const xx = Math.round(x(mk.t)) + 0.5;
      g.save();
      g.setLineDash([5, 4]);
      g.strokeStyle = '#b3261e';
      g.beginPath(); g.moveTo(xx, top); g.lineTo(xx, top + plotH); g.stroke();
      g.restore();
      g.fillStyle = '#b3261e';
      const label = nameOf(mk.coordinatorId) + ' leads (epoch ' + mk.epoch + ')';
      const w = g.measureText(label).width;
      const lx = Math.min(xx + 3, left + plotW - w - 2);
      let row = labelRows.findIndex((edge) => edge < lx);
      if (row < 0) {
        row = labelRows.length;
      }
      if (row < 8) {
        labelRows[row] = lx + w + 6;
        g.fillText(label, lx, top - 4 + row * 13);
      }
      markersDrawn += 1;
    }

    // one line per node, broken where it did not answer
    g.save();
    g.beginPath();
    g.rect(left, top, plotW, plotH);
    g.clip();
    g.lineWidth = 1.6;
    g.lineJoin = 'round';
    for (const n of nodes) {
      g.strokeStyle = n.color;
      g.fillStyle = n.color;
      g.beginPath();
      let pen = false;
      let lone = null;
      for (const p of n.series) {
        if (p.v === null) {
          pen = false;
          continue;
        }
        const px = x(p.t);
        const py = yOf(p.v);
        if (pen) {
          g.lineTo(px, py);
          lone = null;
        } else {
          g.moveTo(px, py);
          lone = [px, py];
        }
        pen = true;
      }
      g.stroke();
      if (lone) {
        g.fillRect(lone[0] - 1.5, lone[1] - 1.5, 3, 3);
      }
    }
    g.restore();

    canvas.dataset.points = String(points);
    canvas.dataset.series = String(series);
    canvas.dataset.markers = String(markersDrawn);
    canvas.dataset.scale = log ? 'log' : 'linear';
    renderLegend();
  }

  function fmtTick(v) {
    const a = Math.abs(v);
    const sign = v < 0 ? '-' : '+';
    const strip = (s) => s.replace(/\.?0+$/, '');
    if (a < 1e3) return sign + strip(a.toFixed(1)) + ' ns';
    if (a < 1e6) return sign + strip((a / 1e3).toFixed(2)) + ' us';
    if (a < 1e9) return sign + strip((a / 1e6).toFixed(3)) + ' ms';
    return sign + strip((a / 1e9).toFixed(3)) + ' s';
  }

  function renderLegend() {
    const items = nodes.map((n) => el('span', { class: 'item', 'data-address': n.address }, swatch(n.color),
      n.status ? n.status.name : n.address, n.fresh ? null : ' (unreachable)'));
    document.getElementById('legend').replaceChildren(...items);
  }

  document.getElementById('scale').addEventListener('change', () => renderChart(Date.now()));
  window.addEventListener('resize', () => renderChart(Date.now()));
  refresh();
})();
