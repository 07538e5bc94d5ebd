// The regulator portal's script (api/regulator/portal.h), served at /regulator/portal.js. Plain
// browser JavaScript for current Chromium-class browsers (no framework, no build step, no other
// host). Every view handles the answers the same way: 401 -> back to the login form (the token is
// dropped), 403 -> "无权限", 404 or no data (a route this server does not have, or an empty
// list) -> "暂无数据". Charts and the chain graph are inline SVG drawn here.
#include "api/regulator/portal.h"

namespace agritrace::api {

const char kPortalJs[] = R"JS((function () {
  'use strict';
  var TOKEN = 'agritrace.regulator.token';
  var main = document.getElementById('main');
  var nav = document.getElementById('nav');
  var whoEl = document.getElementById('who');
  var logoutBtn = document.getElementById('logout');
  var position = '';   // ledger position of this tab's last write: later reads wait for it
  var me = null;       // GET /v1/regulator/bureau
  var generation = 0;  // the view being drawn; an older one's answers are dropped
  var PAGE = 'after_id';  // the paging cursor's query parameter
  var renders = 0;     // main[data-render]: how many views were drawn (tests wait on it)
  var serverToday = '';  // the platform's day (GET /healthz clock.today)

  var PREMISES = {production: '生产', workshop: '小作坊', wholesale: '批发', retail: '零售', catering: '餐饮',
    warehouse: '仓储', market: '集中交易市场', farm: '种植养殖'};
  var RESULTS = [['conforming', '符合'], ['basically_conforming', '基本符合'], ['nonconforming', '不符合']];
  var RESULT_LABEL = {conforming: '符合', basically_conforming: '基本符合', nonconforming: '不符合'};
  var DIRECTIONS = [['', '全部'], ['produced', '生产'], ['in', '购进'], ['out', '销售出库'], ['sold', '零售'],
    ['written_off', '核销'], ['consumed', '投料使用']];
  var DIRECTION_LABEL = {produced: '生产', in: '购进', out: '销售出库', sold: '零售', written_off: '核销',
    consumed: '投料使用'};
  var ROLE_LABEL = {supervisor: '监管负责人', inspector: '执法检查员'};
  var CITY = {'4401': '广州市', '4402': '韶关市', '4403': '深圳市', '4404': '珠海市', '4405': '汕头市', '4406': '佛山市',
    '4407': '江门市', '4408': '湛江市', '4409': '茂名市', '4412': '肇庆市', '4413': '惠州市', '4414': '梅州市',
    '4415': '汕尾市', '4416': '河源市', '4417': '阳江市', '4418': '清远市', '4419': '东莞市', '4420': '中山市',
    '4451': '潮州市', '4452': '揭阳市', '4453': '云浮市', '8100': '香港', '8200': '澳门'};
  var COLORS = ['#1f5fa8', '#c2581a', '#2c7a3a', '#8a3fa0', '#9c2b2b', '#4f6b7a', '#a07a00', '#2b8a8a'];

  // ---- small DOM helpers ------------------------------------------------------------------------
  function el(tag, attrs) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    });
  }
  function add(e, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { add(e, x); }); return; }
    e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  function table(caption, headers, rows, attrs) {
    return el('table', attrs, caption ? el('caption', {class: 'small'}, caption) : null,
      el('thead', {}, el('tr', {}, headers.map(function (h) { return el('th', {scope: 'col'}, h); }))),
      el('tbody', {}, rows.map(function (r) { return el('tr', {}, r.map(function (c) { return el('td', {}, c); })); })));
  }
  function banner(kind, text, attrs) {
    var a = attrs || {};
    a.class = 'banner ' + kind;
    if (kind === 'bad' && !a.role) a.role = 'alert';
    return el('p', a, text);
  }
  function emptyNote(text) { return el('p', {class: 'empty', 'data-state': 'empty'}, text || '暂无数据'); }
  function forbidden() { return banner('bad', '无权限：当前账号的角色不能使用此功能', {'data-state': 'forbidden'}); }

  // ---- quantities, places, dates ----------------------------------------------------------------
  function scaleOf(unit) {
    if (unit === 'g') return {k: 1000, unit: 'kg'};
    if (unit === 'ml') return {k: 1000, unit: 'L'};
    if (unit === 'piece') return {k: 1, unit: '件'};
    return {k: 1, unit: unit || ''};
  }
  function num(v) { return Math.round(v * 1000) / 1000; }
  function qty(amount, unit) {
    var s = scaleOf(unit);
    return num(Number(amount || 0) / s.k).toLocaleString('zh-CN') + ' ' + s.unit;
  }
  function cityOf(division) {
    var d = String(division || '');
    return CITY[d.slice(0, 4)] || '';
  }
  function place(division) {
    var c = cityOf(division);
    return division ? (c ? division + '（' + c + '）' : division) : '';
  }
  function today() {
    if (serverToday) return serverToday;
    var d = new Date();
    var p = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
  }
  // An RFC 3339 instant as Beijing time ("2026-12-05 11:00").
  function beijing(iso) {
    var t = Date.parse(iso || '');
    if (isNaN(t)) return iso || '';
    return new Date(t + 8 * 3600e3).toISOString().replace('T', ' ').slice(0, 16);
  }
  function itemsOf(json, key) {
    if (!json) return [];
    return json[key] || json.items || [];
  }

  // ---- the HTTP API -----------------------------------------------------------------------------
  function Expired() {}
  function token() { return sessionStorage.getItem(TOKEN) || ''; }
  function qs(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== '') {
        parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(params[k]));
      }
    });
    return parts.length ? '?' + parts.join('&') : '';
  }
  // {status, json, text} (status 0: no answer). A 401 on a session's request ends the session.
  async function api(method, path, opts) {
    opts = opts || {};
    var headers = {Accept: opts.accept || 'application/json'};
    if (token()) headers.Authorization = 'Bearer ' + token();
    var target = path;
    // Read-your-writes by header: on some routes ?after= is the paging cursor.
    if (method === 'GET' && position) headers['X-Agritrace-After'] = position;
    var body;
    if (opts.raw !== undefined) {
      headers['Content-Type'] = opts.type || 'application/octet-stream';
      body = opts.raw;
    } else if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    var r;
    try {
      r = await fetch(target, {method: method, headers: headers, body: body, cache: 'no-store'});
    } catch (e) {
      return {status: 0, json: null, text: ''};
    }
    var p = r.headers.get('X-Agritrace-Position');
    if (p) position = p;
    if (r.status === 401 && token() && !opts.login) {
      endSession('登录已失效，请重新登录');
      throw new Expired();
    }
    if (opts.blob && r.ok) return {status: r.status, blob: await r.blob(), json: null};
    var text = await r.text();
    var json = null;
    try { json = JSON.parse(text); } catch (e) { json = null; }
    return {status: r.status, json: json, text: text};
  }
  function problemText(r) {
    if (r.status === 0) return '无法连接服务器';
    var j = r.json || {};
    return (j.detail || j.message || j.title || ('HTTP ' + r.status)) + (j.code ? '（' + j.code + '）' : '');
  }
  // The answer drawn as the section's state when it is not data: null when it is data.
  function stateOf(r, emptyText) {
    if (r.status === 403) return forbidden();
    if (r.status >= 200 && r.status < 300) return null;
    if (r.status === 404 || r.status === 405 || r.status === 501 || r.status === 0) return emptyNote(emptyText);
    return banner('bad', '查询失败：' + problemText(r));
  }

  // ---- session ----------------------------------------------------------------------------------
  function endSession(message) {
    sessionStorage.removeItem(TOKEN);
    me = null;
    position = '';
    showLogin(message);
  }
  function showLogin(message) {
    generation++;
    nav.hidden = true;
    logoutBtn.hidden = true;
    whoEl.textContent = '';
    var err = el('p', {id: 'login-error', class: 'field-error', role: 'alert'});
    var form = el('form', {class: 'login', id: 'login-form', novalidate: true},
      el('label', {for: 'bureau_id'}, '机构编号'),
      el('input', {id: 'bureau_id', name: 'bureau_id', required: true, autocomplete: 'organization', placeholder: 'gz-amr'}),
      el('label', {for: 'username'}, '用户名'),
      el('input', {id: 'username', name: 'username', required: true, autocomplete: 'username'}),
      el('label', {for: 'password'}, '密码'),
      el('input', {id: 'password', name: 'password', type: 'password', required: true, autocomplete: 'current-password'}),
      err, el('button', {type: 'submit'}, '登录'));
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      err.textContent = '';
      var r = await api('POST', '/v1/regulator/sessions', {login: true, json: {
        bureau_id: form.elements.bureau_id.value.trim(), username: form.elements.username.value.trim(),
        password: form.elements.password.value}});
      if (r.status === 201 && r.json && r.json.token) {
        sessionStorage.setItem(TOKEN, r.json.token);
        if (!location.hash || location.hash === '#/' || location.hash === '#/login') location.hash = '#/dashboard';
        else route();
        return;
      }
      err.textContent = r.status === 401 ? '机构编号、用户名或密码错误'
        : r.status === 429 ? '登录尝试过多，请稍后再试' : '登录失败：' + problemText(r);
    });
    main.setAttribute('data-page', 'login');
    main.replaceChildren(el('h1', {}, '市场监管端登录'),
      message ? banner('warn', message, {id: 'login-message'}) : null, form);
    drawn();
  }
  logoutBtn.addEventListener('click', async function () {
    try { await api('DELETE', '/v1/sessions/current'); } catch (e) { /* ended anyway */ }
    endSession('已退出登录');
  });
  function can(right) { return !!(me && me.rights && me.rights.indexOf(right) >= 0); }

  // ---- the router -------------------------------------------------------------------------------
  function parseHash() {
    var h = location.hash.replace(/^#\/?/, '');
    var q = {};
    var at = h.indexOf('?');
    if (at >= 0) {
      h.slice(at + 1).split('&').forEach(function (pair) {
        if (!pair) return;
        var eq = pair.indexOf('=');
        var k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
        q[k] = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      });
      h = h.slice(0, at);
    }
    return {parts: h.split('/').filter(Boolean).map(decodeURIComponent), q: q};
  }
  function go(path, params) { location.hash = '#/' + path + qs(params || {}); }

  async function route() {
    if (!token()) return showLogin();
    var gen = ++generation;
    var loc = parseHash();
    var name = loc.parts[0] || 'dashboard';
    main.setAttribute('aria-busy', 'true');
    try {
      if (!me) {
        var b = await api('GET', '/v1/regulator/bureau');
        if (b.status !== 200) return endSession('无法读取机构信息：' + problemText(b));
        me = b.json;
        var health = await api('GET', '/healthz');
        serverToday = (health.json && health.json.clock && health.json.clock.today) || '';
      }
      whoEl.textContent = me.bureau_id + ' · ' + me.username + '（' + (ROLE_LABEL[me.role] || me.role) + '）· 辖区 ' + me.jurisdiction;
      nav.hidden = false;
      logoutBtn.hidden = false;
      var page = name === 'entities' && loc.parts[1] ? 'entity' : name;
      Array.prototype.forEach.call(nav.querySelectorAll('a'), function (a) {
        if (a.getAttribute('data-page') === (page === 'entity' ? 'entities' : page)) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      });
      var view = el('div', {class: 'view'});
      var fn = VIEWS[page];
      if (!fn) { view.appendChild(el('h1', {}, '页面不存在')); view.appendChild(emptyNote()); }
      else await fn(view, loc.q, loc.parts.slice(1));
      if (gen !== generation) return;
      main.setAttribute('data-page', page);
      main.replaceChildren(view);
      drawn();
    } catch (e) {
      if (e instanceof Expired) return;
      if (gen !== generation) return;
      main.setAttribute('data-page', 'error');
      main.replaceChildren(banner('bad', '页面出错：' + e));
      drawn();
    }
  }
  function drawn() {
    main.setAttribute('aria-busy', 'false');
    main.setAttribute('data-render', String(++renders));
  }
  window.addEventListener('hashchange', route);

  // A filter form whose submission becomes the view's URL (so it can be bookmarked and paged).
  function filterForm(id, fields, q, page, label) {
    var form = el('form', {class: 'card filters', id: id, role: 'search'});
    fields.forEach(function (f) {
      var input;
      if (f.options) {
        input = el('select', {id: f.name, name: f.name}, f.options.map(function (o) {
          return el('option', {value: o[0], selected: (q[f.name] || '') === o[0]}, o[1]);
        }));
      } else {
        input = el('input', {id: f.name, name: f.name, type: f.type || 'text', value: q[f.name] || '',
          list: f.list, placeholder: f.placeholder});
      }
      form.appendChild(el('div', {}, el('label', {for: f.name}, f.label), input));
    });
    form.appendChild(el('div', {}, el('button', {type: 'submit'}, label || '筛选')));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var params = {};
      fields.forEach(function (f) { params[f.name] = form.elements[f.name].value.trim(); });
      go(page, params);
    });
    return form;
  }
  function pager(page, q, next) {
    var links = [];
    if (q[PAGE]) {
      var first = Object.assign({}, q);
      delete first[PAGE];
      links.push(el('a', {href: '#/' + page + qs(first), id: 'page-first'}, '首页'));
    }
    if (next) {
      var n = Object.assign({}, q);
      n[PAGE] = next;
      links.push(el('a', {href: '#/' + page + qs(n), id: 'page-next'}, '下一页'));
    }
    return links.length ? el('p', {class: 'pager'}, links) : null;
  }
  function divisionList() {
    return el('datalist', {id: 'division-list'}, (me.divisions || []).map(function (d) {
      return el('option', {value: d}, place(d));
    }));
  }

  // ---- charts (inline SVG) ----------------------------------------------------------------------
  function niceMax(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = [1, 2, 2.5, 5, 10].find(function (k) { return k * p >= v; });
    return m * p;
  }
  function legend(series) {
    return el('p', {class: 'legend', 'aria-hidden': 'true'}, series.map(function (s, i) {
      var span = el('span', {}, s);
      span.style.setProperty('--c', COLORS[i % COLORS.length]);
      return span;
    }));
  }
  // Grouped vertical bars: categories on x, one bar per series.
  function barChart(id, title, unit, categories, series) {
    var W = 720, H = 280, L = 64, R = 12, T = 14, B = 46;
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { max = Math.max(max, v); }); });
    var top = niceMax(max);
    var plotW = W - L - R, plotH = H - T - B;
    var groupW = plotW / Math.max(1, categories.length);
    var barW = Math.max(4, Math.min(36, (groupW * 0.8) / Math.max(1, series.length)));
    var g = svg('g', {});
    for (var t = 0; t <= 4; t++) {
      var y = T + plotH - (plotH * t) / 4;
      g.appendChild(svg('line', {x1: L, x2: W - R, y1: y, y2: y, stroke: '#d0d4d8'}));
      g.appendChild(svg('text', {x: L - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#1a1a1a'},
        num((top * t) / 4).toLocaleString('zh-CN')));
    }
    categories.forEach(function (c, ci) {
      var x0 = L + ci * groupW + (groupW - barW * series.length) / 2;
      series.forEach(function (s, si) {
        var v = s.values[ci] || 0;
        var h = (plotH * v) / top;
        g.appendChild(svg('rect', {x: x0 + si * barW, y: T + plotH - h, width: barW - 1, height: Math.max(0, h),
          fill: COLORS[si % COLORS.length], class: 'bar', 'data-series': s.name, 'data-category': c, 'data-value': v},
          svg('title', {}, c + ' ' + s.name + '：' + num(v).toLocaleString('zh-CN') + ' ' + unit)));
      });
      g.appendChild(svg('text', {x: L + ci * groupW + groupW / 2, y: H - B + 16, 'text-anchor': 'middle',
        'font-size': 11, fill: '#1a1a1a'}, c));
    });
    g.appendChild(svg('text', {x: 4, y: 12, 'font-size': 11, fill: '#1a1a1a'}, unit));
    var chart = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-labelledby': id + '-t'},
      svg('title', {id: id + '-t'}, title + '（' + unit + '）'), g);
    var rows = categories.map(function (c, ci) {
      return [c].concat(series.map(function (s) { return num(s.values[ci] || 0).toLocaleString('zh-CN'); }));
    });
    return el('figure', {id: id, class: 'chart'}, el('figcaption', {}, title + '（' + unit + '）'),
      legend(series.map(function (s) { return s.name; })), chart,
      el('details', {}, el('summary', {}, '数据表'), table(null, ['类别'].concat(series.map(function (s) { return s.name; })), rows)));
  }
  // Horizontal bars: one per label.
  function hbarChart(id, title, unit, labels, values) {
    var W = 720, L = 180, R = 90, row = 26, T = 8;
    var H = T * 2 + row * Math.max(1, labels.length);
    var top = niceMax(Math.max.apply(null, [0].concat(values)));
    var g = svg('g', {});
    labels.forEach(function (lab, i) {
      var y = T + i * row;
      var w = ((W - L - R) * values[i]) / top;
      g.appendChild(svg('text', {x: L - 8, y: y + row / 2 + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#1a1a1a'}, lab));
      g.appendChild(svg('rect', {x: L, y: y + 4, width: Math.max(0, w), height: row - 8, fill: COLORS[0], class: 'bar',
        'data-category': lab, 'data-value': values[i]}, svg('title', {}, lab + '：' + num(values[i]).toLocaleString('zh-CN') + ' ' + unit)));
      g.appendChild(svg('text', {x: L + w + 6, y: y + row / 2 + 4, 'font-size': 12, fill: '#1a1a1a'},
        num(values[i]).toLocaleString('zh-CN') + ' ' + unit));
    });
    var chart = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-labelledby': id + '-t'},
      svg('title', {id: id + '-t'}, title + '（' + unit + '）'), g);
    return el('figure', {id: id, class: 'chart'}, el('figcaption', {}, title + '（' + unit + '）'), chart,
      el('details', {}, el('summary', {}, '数据表'), table(null, ['区划', '数量（' + unit + '）'],
        labels.map(function (lab, i) { return [lab, num(values[i]).toLocaleString('zh-CN')]; }))));
  }

  // ---- 仪表盘 -----------------------------------------------------------------------------------
  async function dashboard(view) {
    var all = await Promise.all([
      api('GET', '/v1/regulator/statistics?period=month'),
      api('GET', '/v1/regulator/compliance'),
      api('GET', '/v1/regulator/inspections-overdue?limit=500')]);
    var stats = all[0], comp = all[1], overdue = all[2];
    view.appendChild(el('h1', {}, '仪表盘'));
    view.appendChild(el('p', {class: 'sub'}, '辖区 ' + me.jurisdiction + (stats.json && stats.json.from ? '，统计期间 ' +
      stats.json.from + ' 至 ' + stats.json.to : '')));
    var ents = (stats.status === 200 && stats.json && stats.json.entities) || {};
    var overdueList = overdue.status === 200 ? itemsOf(overdue.json, 'entities') : null;
    var dash = function (v) { return v === undefined || v === null ? '—' : String(v); };
    view.appendChild(el('dl', {class: 'counts', id: 'counts'},
      el('div', {}, el('dt', {}, '备案主体'), el('dd', {id: 'count-filed'}, dash(ents.filed))),
      el('div', {}, el('dt', {}, '已入驻平台'), el('dd', {id: 'count-on-platform'}, dash(ents.on_platform))),
      el('div', {}, el('dt', {}, '正常报送'), el('dd', {id: 'count-reporting'}, dash(ents.reporting))),
      el('div', {}, el('dt', {}, '逾期未检查'), el('dd', {id: 'count-overdue'},
        overdueList ? overdueList.length + (overdue.json.next_after ? '+' : '') : '—'))));

    // Circulation by month and product (outgoing), one chart per unit.
    var circ = el('section', {class: 'card', id: 'circulation', 'aria-labelledby': 'h-circ'}, el('h2', {id: 'h-circ'}, '流通量（按月份、品种）'));
    var prod = el('section', {class: 'card', id: 'production', 'aria-labelledby': 'h-prod'}, el('h2', {id: 'h-prod'}, '生产量（按区划）'));
    var s = stateOf(stats);
    if (s) { circ.appendChild(s); prod.appendChild(stateOf(stats)); } else {
      var byUnit = {};
      (stats.json.circulation || []).forEach(function (c) {
        var sc = scaleOf(c.unit);
        var u = byUnit[sc.unit] || (byUnit[sc.unit] = {periods: [], products: [], v: {}, rows: []});
        if (u.periods.indexOf(c.period) < 0) u.periods.push(c.period);
        if (u.products.indexOf(c.product) < 0) u.products.push(c.product);
        u.v[c.period + '\u0000' + c.product] = Number(c.out || 0) / sc.k;
      });
      var units = Object.keys(byUnit);
      if (!units.length) circ.appendChild(emptyNote('统计期间内暂无流通数据'));
      units.forEach(function (unit, k) {
        var u = byUnit[unit];
        u.periods.sort();
        circ.appendChild(barChart('chart-circulation-' + k, '销售出库量（按月份、品种）', unit, u.periods,
          u.products.map(function (p) { return {name: p, values: u.periods.map(function (per) { return u.v[per + '\u0000' + p] || 0; })}; })));
      });
      var circRows = (stats.json.circulation || []).map(function (c) {
        return [c.period, c.product, qty(c['in'], c.unit), qty(c.out, c.unit)];
      });
      if (circRows.length) {
        circ.appendChild(el('details', {}, el('summary', {}, '流入与流出明细'),
          table(null, ['期间', '品种', '流入', '流出'], circRows)));
      }
      // Production by division (sum per unit over products).
      var perUnit = {};
      (stats.json.divisions || []).forEach(function (d) {
        (d.produced || []).forEach(function (p) {
          var sc = scaleOf(p.unit);
          var u = perUnit[sc.unit] || (perUnit[sc.unit] = {labels: [], values: []});
          var label = (d.name || place(d.division));
          var at = u.labels.indexOf(label);
          if (at < 0) { u.labels.push(label); u.values.push(0); at = u.labels.length - 1; }
          u.values[at] += Number(p.amount || 0) / sc.k;
        });
      });
      var pu = Object.keys(perUnit);
      if (!pu.length) prod.appendChild(emptyNote('统计期间内暂无生产数据'));
      pu.forEach(function (unit, k) {
        prod.appendChild(hbarChart('chart-production-' + k, '生产量（按区划）', unit, perUnit[unit].labels, perUnit[unit].values));
      });
      var totals = (stats.json.production || []).map(function (p) { return [p.product, qty(p.amount, p.unit)]; });
      if (totals.length) prod.appendChild(table('辖区生产总量（按品种）', ['品种', '数量'], totals));
    }
    view.appendChild(circ);
    view.appendChild(prod);

    // Reporting compliance.
    var cs = el('section', {class: 'card', id: 'compliance', 'aria-labelledby': 'h-comp'}, el('h2', {id: 'h-comp'}, '报送合规'));
    var c = stateOf(comp);
    if (c) cs.appendChild(c); else {
      var stopped = comp.json.stopped_reporting || [];
      var anomalies = comp.json.mass_balance_anomalies || [];
      cs.appendChild(el('h3', {}, '停止报送的企业（' + stopped.length + '）'));
      cs.appendChild(stopped.length ? table(null, ['企业', '区划', '最后报送', '未报送天数'], stopped.map(function (x) {
        return [x.name || x.enterprise_id, place(x.division), (x.last_event_at || '').slice(0, 10), String(x.days_silent)];
      }), {id: 'stopped-reporting'}) : emptyNote('无'));
      cs.appendChild(el('h3', {}, '物料平衡异常（' + anomalies.length + '）'));
      cs.appendChild(anomalies.length ? table(null, ['企业', '区划', '品种', '生产', '购进', '销售', '超出'], anomalies.map(function (x) {
        return [x.name || x.enterprise_id, place(x.division), x.product, qty(x.produced, x.unit), qty(x.received, x.unit),
          qty(x.sent, x.unit), el('strong', {}, qty(x.excess, x.unit))];
      }), {id: 'mass-balance-anomalies'}) : emptyNote('无'));
    }
    view.appendChild(cs);

    var os = el('section', {class: 'card', id: 'overdue', 'aria-labelledby': 'h-over'}, el('h2', {id: 'h-over'}, '逾期未检查的主体'));
    var o = stateOf(overdue);
    if (o) os.appendChild(o);
    else if (!overdueList.length) os.appendChild(emptyNote('无逾期主体'));
    else os.appendChild(table(null, ['主体', '区划', '风险等级', '最近检查'], overdueList.map(function (e) {
      return [el('a', {href: '#/entities/' + encodeURIComponent(e.entity_id)}, e.name), place(e.division),
        gradeBadge(e.risk_grade), e.last_inspected_on || '从未检查'];
    })));
    view.appendChild(os);
  }

  function gradeBadge(g) {
    return g ? el('span', {class: 'badge grade-' + g}, g + ' 级') : el('span', {class: 'small'}, '未评级');
  }

  // ---- 主体名录 ---------------------------------------------------------------------------------
  async function entities(view, q) {
    view.appendChild(el('h1', {}, '主体名录'));
    view.appendChild(divisionList());
    view.appendChild(filterForm('entity-filter', [{name: 'division', label: '行政区划代码', list: 'division-list',
      placeholder: '如 440106'}], q, 'entities'));
    var params = {limit: 20, division: q.division};
    params[PAGE] = q[PAGE];
    var r = await api('GET', '/v1/regulator/entities' + qs(params));
    var s = stateOf(r);
    if (s) { view.appendChild(s); return; }
    var list = itemsOf(r.json, 'entities');
    if (!list.length) { view.appendChild(emptyNote()); return; }
    view.appendChild(table(null, ['名称', '类型', '证照号码', '区划', '法定代表人 / 联系人', '电话', '入驻平台', '风险等级', '检查'],
      list.map(function (e) {
        return [el('a', {href: '#/entities/' + encodeURIComponent(e.entity_id)}, e.name), PREMISES[e.premises_type] || e.premises_type,
          e.uscc || e.id_number, place(e.division), [e.legal_representative, e.contact_person].filter(Boolean).join(' / '),
          e.phone, e.on_platform ? '是' : '否', gradeBadge(e.risk_grade),
          e.inspection_overdue ? el('span', {class: 'badge grade-D'}, '逾期') : (e.last_inspected_on || '—')];
      }), {id: 'entity-table'}));
    if (list.some(function (e) { return e.personal_data_masked; })) {
      view.appendChild(el('p', {class: 'small'}, '其他机构备案主体的个人信息已脱敏显示。'));
    }
    add(view, pager('entities', q, r.json.next_after));
  }

  function dl(pairs, attrs) {
    attrs = attrs || {};
    attrs.class = 'kv';
    return el('dl', attrs, pairs.filter(function (p) { return p[1] !== undefined && p[1] !== null && p[1] !== ''; })
      .map(function (p) { return [el('dt', {}, p[0]), el('dd', {}, p[1])]; }));
  }

  async function downloadDoc(sha, name) {
    var r = await api('GET', '/v1/regulator/documents/' + encodeURIComponent(sha), {blob: true, accept: '*/*'});
    if (!r.blob) { alert('下载失败：' + problemText(r)); return; }
    save(r.blob, name);
  }
  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = el('a', {href: url, download: name, hidden: true});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  async function entity(view, q, rest) {
    var id = rest[0];
    var all = await Promise.all([api('GET', '/v1/regulator/entities/' + encodeURIComponent(id)),
      api('GET', '/v1/regulator/inspections' + qs({entity_id: id, limit: 100}))]);
    var r = all[0], ins = all[1];
    var s = stateOf(r, '未找到该主体（不存在或不在本辖区）');
    if (s) { view.appendChild(el('h1', {}, '主体详情')); view.appendChild(s); return; }
    var e = r.json;
    view.appendChild(el('p', {class: 'small'}, el('a', {href: '#/entities'}, '← 主体名录')));
    view.appendChild(el('h1', {id: 'entity-name'}, e.name));
    if (q.saved) {
      view.appendChild(banner('ok', '检查记录已保存' + (q.saved !== '-' ? '：' + q.saved : ''), {id: 'saved', role: 'status'}));
    }
    view.appendChild(el('section', {class: 'card', 'aria-labelledby': 'h-filing'}, el('h2', {id: 'h-filing'}, '备案信息'),
      dl([['主体编号', e.entity_id], ['类型', PREMISES[e.premises_type] || e.premises_type],
        ['统一社会信用代码', e.uscc], ['身份证号', e.id_number], ['区划', place(e.division)], ['地址', e.address],
        ['法定代表人', e.legal_representative], ['联系人', e.contact_person], ['电话', e.phone],
        ['入驻平台', e.on_platform ? '是（' + e.enterprise_id + '）' : '否'], ['备案机构', e.filed_by],
        ['备案时间', (e.filed_at || '').slice(0, 10)], ['变更次数', String(e.amendments || 0)]], {id: 'entity-filing'}),
      e.personal_data_masked ? el('p', {class: 'small'}, '个人信息已脱敏（非本机构备案）。') : null));

    var risk = el('section', {class: 'card', id: 'risk', 'aria-labelledby': 'h-risk'}, el('h2', {id: 'h-risk'}, '风险分级与检查频次'));
    if (e.risk_grade === undefined) risk.appendChild(emptyNote('暂无风险分级数据'));
    else {
      risk.appendChild(dl([['风险等级', gradeBadge(e.risk_grade)],
        ['每年最少检查次数', e.inspections_required_per_year === undefined ? '' : String(e.inspections_required_per_year)],
        ['近 365 天检查次数', e.inspections_last_365_days === undefined ? '' : String(e.inspections_last_365_days)],
        ['最近检查日期', e.last_inspected_on || '从未检查'],
        ['检查状态', e.inspection_overdue ? el('span', {class: 'badge grade-D', id: 'overdue-flag'}, '逾期未检查') : '正常']]));
    }
    if (can('risk_grades')) risk.appendChild(gradeForm(e));
    view.appendChild(risk);

    var sec = el('section', {class: 'card', id: 'inspections', 'aria-labelledby': 'h-ins'}, el('h2', {id: 'h-ins'}, '监督检查记录'),
      el('p', {}, el('a', {href: '#/inspect' + qs({entity_id: e.entity_id}), id: 'new-inspection'}, '录入检查记录')));
    var st = stateOf(ins);
    var list = st ? [] : itemsOf(ins.json, 'inspections');
    if (st) sec.appendChild(st);
    else if (!list.length) sec.appendChild(emptyNote('暂无检查记录'));
    else sec.appendChild(table(null, ['编号', '检查日期', '检查人员', '结论', '发现问题', '整改要求', '签字检查表'], list.map(function (x) {
      return [x.inspection_id, x.inspected_on, (x.inspectors || []).join('、'),
        el('span', {class: 'badge ' + (x.overall === 'nonconforming' ? 'grade-D' : x.overall === 'basically_conforming' ? 'grade-C' : 'grade-A')},
          RESULT_LABEL[x.overall] || x.overall || ''),
        x.findings, [x.follow_up, x.follow_up_due ? '（期限 ' + x.follow_up_due + '）' : ''].join(''),
        x.form_sha256 ? el('button', {type: 'button', class: 'secondary', onclick: function () {
          downloadDoc(x.form_sha256, x.inspection_id + '-检查表');
        }}, '下载') : '—'];
    }), {id: 'inspection-table'}));
    view.appendChild(sec);
  }

  function gradeForm(e) {
    var err = el('p', {class: 'field-error', id: 'grade-error', role: 'alert'});
    var form = el('form', {id: 'grade-form'}, el('h3', {}, '调整风险等级'),
      el('label', {for: 'grade'}, '风险等级'),
      el('select', {id: 'grade', name: 'grade'}, ['A', 'B', 'C', 'D'].map(function (g) {
        return el('option', {value: g, selected: e.risk_grade === g}, g + ' 级');
      })),
      el('label', {for: 'grade-reason'}, '调整理由'),
      el('input', {id: 'grade-reason', name: 'reason', required: true, size: 40}), err,
      el('button', {type: 'submit'}, '保存风险等级'));
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      err.textContent = '';
      var r = await api('PUT', '/v1/regulator/entities/' + encodeURIComponent(e.entity_id) + '/risk-grade',
        {json: {grade: form.elements.grade.value, reason: form.elements.reason.value}});
      if (r.status === 200 || r.status === 201) route();
      else err.textContent = r.status === 403 ? '无权限' : problemText(r);
    });
    return form;
  }

  // ---- 监督检查 ---------------------------------------------------------------------------------
  function norm(field) { return String(field || '').replace(/\[(\d+)\]/g, '.$1').replace(/^\//, '').replace(/\//g, '.'); }
  function errorSlot(name) { return el('p', {class: 'field-error', 'data-error-for': norm(name), id: 'err-' + norm(name).replace(/\./g, '-')}); }

  async function inspect(view, q) {
    view.appendChild(el('h1', {}, '监督检查录入'));
    var all = await Promise.all([api('GET', '/v1/regulator/checklist'), api('GET', '/v1/regulator/entities?limit=500')]);
    var cl = all[0], ents = all[1];
    var s = stateOf(cl, '暂无检查表（检查项目未配置）');
    if (s) { view.appendChild(s); return; }
    var es = stateOf(ents);
    if (es) { view.appendChild(es); return; }
    var list = itemsOf(ents.json, 'entities');
    if (!list.length) { view.appendChild(emptyNote('辖区内暂无备案主体')); return; }
    var items = cl.json.items || [];
    var form = el('form', {id: 'inspection-form', class: 'card', novalidate: true});
    var generalErr = el('p', {id: 'inspection-error', class: 'field-error', role: 'alert'});
    form.appendChild(el('p', {class: 'small'}, '检查表：' + (cl.json.version || '') + ' ' + (cl.json.source || '')));
    form.appendChild(el('label', {for: 'entity_id'}, '检查对象'));
    form.appendChild(el('select', {id: 'entity_id', name: 'entity_id', 'aria-describedby': 'err-entity_id'}, list.map(function (e) {
      return el('option', {value: e.entity_id, selected: e.entity_id === q.entity_id}, e.name + '（' + e.entity_id + '）');
    })));
    form.appendChild(errorSlot('entity_id'));
    form.appendChild(el('label', {for: 'inspected_on'}, '检查日期'));
    form.appendChild(el('input', {id: 'inspected_on', name: 'inspected_on', type: 'date', value: today(), 'aria-describedby': 'err-inspected_on'}));
    form.appendChild(errorSlot('inspected_on'));
    form.appendChild(el('label', {for: 'inspectors'}, '检查人员（用户名，多人以逗号分隔）'));
    form.appendChild(el('input', {id: 'inspectors', name: 'inspectors', value: me.username, size: 40, 'aria-describedby': 'err-inspectors'}));
    form.appendChild(errorSlot('inspectors'));
    form.appendChild(el('h2', {}, '检查项目'));
    form.appendChild(errorSlot('items'));
    var section = null;
    items.forEach(function (it, i) {
      if (it.section && it.section !== section) {
        section = it.section;
        form.appendChild(el('h3', {}, section));
      }
      var name = 'item-' + i;
      form.appendChild(el('fieldset', {class: 'item', 'data-code': it.code, 'aria-describedby': 'err-items-' + i},
        el('legend', {}, it.code + ' ' + it.text),
        el('div', {class: 'choices'}, RESULTS.map(function (res) {
          var rid = name + '-' + res[0];
          return el('span', {}, el('input', {type: 'radio', id: rid, name: name, value: res[0]}), ' ',
            el('label', {for: rid}, res[1]));
        })),
        el('label', {for: name + '-note'}, '说明（选填）'),
        el('input', {id: name + '-note', name: name + '-note', size: 50}),
        errorSlot('items[' + i + ']'), errorSlot('items[' + i + '].result'), errorSlot('items[' + i + '].note')));
    });
    form.appendChild(el('label', {for: 'findings'}, '发现的问题'));
    form.appendChild(el('textarea', {id: 'findings', name: 'findings', rows: 3, 'aria-describedby': 'err-findings'}));
    form.appendChild(errorSlot('findings'));
    form.appendChild(el('label', {for: 'follow_up'}, '整改要求与后续处理'));
    form.appendChild(el('textarea', {id: 'follow_up', name: 'follow_up', rows: 3, 'aria-describedby': 'err-follow_up'}));
    form.appendChild(errorSlot('follow_up'));
    form.appendChild(el('label', {for: 'follow_up_due'}, '整改期限（选填）'));
    form.appendChild(el('input', {id: 'follow_up_due', name: 'follow_up_due', type: 'date', 'aria-describedby': 'err-follow_up_due'}));
    form.appendChild(errorSlot('follow_up_due'));
    form.appendChild(el('label', {for: 'form_file'}, '签字检查表（PDF、JPEG 或 PNG，不超过 10 MB）'));
    form.appendChild(el('input', {id: 'form_file', name: 'form_file', type: 'file', accept: 'application/pdf,image/jpeg,image/png',
      'aria-describedby': 'err-form_sha256'}));
    form.appendChild(errorSlot('form_sha256'));
    form.appendChild(generalErr);
    form.appendChild(el('button', {type: 'submit', id: 'submit-inspection'}, '提交检查记录'));

    function clearErrors() {
      Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (p) { p.textContent = ''; });
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (x) { x.removeAttribute('aria-invalid'); });
    }
    // The problem's message next to the field it names (items[2].result -> item 2), else at the end.
    function showError(field, message) {
      var f = norm(field);
      while (f) {
        var slot = form.querySelector('[data-error-for="' + f + '"]');
        if (slot) {
          slot.textContent = message;
          var owner = slot.closest('fieldset') || form.elements[f] || null;
          if (owner && owner.setAttribute) owner.setAttribute('aria-invalid', 'true');
          slot.scrollIntoView({block: 'center'});
          return;
        }
        f = f.indexOf('.') < 0 ? '' : f.slice(0, f.lastIndexOf('.'));
      }
      generalErr.textContent = message;
    }
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      clearErrors();
      var button = document.getElementById('submit-inspection');
      button.disabled = true;
      try {
        var body = {
          entity_id: form.elements.entity_id.value,
          inspected_on: form.elements.inspected_on.value,
          inspectors: form.elements.inspectors.value.split(/[,，、\s]+/).filter(Boolean),
          items: items.map(function (it, i) {
            var checked = form.querySelector('input[name="item-' + i + '"]:checked');
            var x = {code: it.code, result: checked ? checked.value : '', note: form.elements['item-' + i + '-note'].value};
            return x;
          }),
          findings: form.elements.findings.value,
          follow_up: form.elements.follow_up.value
        };
        if (form.elements.follow_up_due.value) body.follow_up_due = form.elements.follow_up_due.value;
        var file = form.elements.form_file.files[0];
        if (file) {
          var up = await api('POST', '/v1/regulator/documents', {raw: file, type: file.type || 'application/octet-stream'});
          if (up.status !== 201 && up.status !== 200) {
            showError('form_sha256', up.status === 403 ? '无权限上传' : '检查表上传失败：' + problemText(up));
            return;
          }
          body.form_sha256 = up.json.sha256;
        }
        var r = await api('POST', '/v1/regulator/inspections', {json: body});
        if (r.status === 201 || r.status === 200) {
          go('entities/' + encodeURIComponent(body.entity_id), {saved: (r.json && (r.json.inspection_id || r.json.id)) || '-'});
          return;
        }
        if (r.status === 403) { generalErr.textContent = '无权限：当前账号不能录入检查记录'; return; }
        if (r.status === 404 && !(r.json && r.json.field)) { generalErr.textContent = '暂无数据：服务器不提供检查记录功能'; return; }
        showError(r.json && r.json.field, problemText(r));
      } finally {
        button.disabled = false;
      }
    });
    view.appendChild(form);
  }

  // ---- 双随机 -----------------------------------------------------------------------------------
  async function draws(view, q) {
    view.appendChild(el('h1', {}, '双随机抽查'));
    if (can('draws')) {
      var err = el('p', {class: 'field-error', id: 'draw-error', role: 'alert'});
      var form = el('form', {class: 'card filters', id: 'draw-form'},
        el('div', {}, el('label', {for: 'entity_count'}, '抽取主体数'), el('input', {id: 'entity_count', type: 'number', min: 1, max: 500, value: 5})),
        el('div', {}, el('label', {for: 'inspectors_per_entity'}, '每个主体检查人员数'),
          el('input', {id: 'inspectors_per_entity', type: 'number', min: 2, max: 10, value: 2})),
        el('div', {}, el('label', {for: 'draw_division'}, '区划（选填）'), el('input', {id: 'draw_division', list: 'division-list'})),
        el('div', {}, el('label', {for: 'seed'}, '随机种子（选填，十六进制）'), el('input', {id: 'seed', pattern: '[0-9a-fA-F]*'})),
        el('div', {}, el('button', {type: 'submit'}, '发起抽取')), err);
      view.appendChild(divisionList());
      form.addEventListener('submit', async function (ev) {
        ev.preventDefault();
        err.textContent = '';
        var body = {entity_count: Number(form.querySelector('#entity_count').value),
          inspectors_per_entity: Number(form.querySelector('#inspectors_per_entity').value)};
        var d = form.querySelector('#draw_division').value.trim();
        var seed = form.querySelector('#seed').value.trim();
        if (d) body.division = d;
        if (seed) body.seed = seed;
        var r = await api('POST', '/v1/regulator/draws', {json: body});
        if (r.status === 201 || r.status === 200) { go('draws', {drawn: (r.json && (r.json.draw_id || r.json.id)) || ''}); return; }
        err.textContent = r.status === 403 ? '无权限' : r.status === 404 && !(r.json && r.json.field) ? '暂无数据：服务器不提供抽取功能'
          : problemText(r) + (r.json && r.json.field ? '（' + r.json.field + '）' : '');
      });
      view.appendChild(form);
    } else {
      view.appendChild(el('p', {class: 'small', id: 'draw-rights'}, '双随机抽取由监管负责人发起和查看。'));
    }
    var r = await api('GET', '/v1/regulator/draws?limit=20');
    var s = stateOf(r);
    if (s) { view.appendChild(s); return; }
    var list = itemsOf(r.json, 'draws');
    if (!list.length) { view.appendChild(emptyNote('暂无抽取记录')); return; }
    var checks = await Promise.all(list.map(function (d) {
      return api('GET', '/v1/regulator/draws/' + encodeURIComponent(d.draw_id) + '/verification');
    }));
    list.forEach(function (d, i) {
      var v = checks[i];
      var badge = v.status === 200 && v.json && v.json.reproduced === true
        ? el('span', {class: 'badge grade-A verification', 'data-reproduced': 'true'}, '✓ 已验证：重新运行结果一致')
        : v.status === 200 && v.json ? el('span', {class: 'badge grade-D verification', 'data-reproduced': 'false'}, '✗ 验证不一致')
        : el('span', {class: 'badge grade-C verification'}, '未能验证');
      var box = el('section', {class: 'draw', 'data-draw': d.draw_id, 'aria-labelledby': 'h-' + d.draw_id},
        el('h2', {id: 'h-' + d.draw_id}, '抽取 ' + d.draw_id + ' ', badge),
        q.drawn === d.draw_id ? banner('ok', '抽取已完成', {role: 'status'}) : null,
        el('p', {class: 'small'}, '抽取时间 ' + beijing(d.drawn_at) + '，抽取人 ' + (d.drawn_by || '') + '，种子 ' + (d.seed || '') +
          '，算法 ' + (d.algorithm || '') + '，候选主体 ' + (d.entities_considered === undefined ? '—' : d.entities_considered) +
          ' 个，候选检查人员 ' + (d.inspectors_considered === undefined ? '—' : d.inspectors_considered) + ' 名'),
        (d.assignments || []).length ? table(null, ['主体', '检查人员'], d.assignments.map(function (a) {
          return [el('a', {href: '#/entities/' + encodeURIComponent(a.entity_id)}, a.entity_name || a.entity_id), (a.inspectors || []).join('、')];
        })) : emptyNote('本次未抽中主体'),
        v.status === 200 && v.json && (v.json.differences || []).length ? el('p', {class: 'small'}, '差异：' + JSON.stringify(v.json.differences)) : null);
      view.appendChild(box);
    });
    add(view, pager('draws', q, r.json.next_after));
  }

  // ---- 台账筛选 ---------------------------------------------------------------------------------
  var LEDGER_FIELDS = ['division', 'origin', 'product', 'batch', 'direction', 'from', 'to'];
  async function ledger(view, q) {
    view.appendChild(el('h1', {}, '台账筛选'));
    view.appendChild(divisionList());
    view.appendChild(filterForm('ledger-filter', [
      {name: 'division', label: '区划', list: 'division-list'}, {name: 'origin', label: '产地'},
      {name: 'product', label: '品名'}, {name: 'batch', label: '批次'},
      {name: 'direction', label: '方向', options: DIRECTIONS},
      {name: 'from', label: '起始日期', type: 'date'}, {name: 'to', label: '截止日期', type: 'date'}], q, 'ledger', '查询'));
    var params = {limit: 50};
    LEDGER_FIELDS.forEach(function (k) { params[k] = q[k]; });
    var csvParams = Object.assign({}, params, {format: 'csv', limit: 500});
    params[PAGE] = q[PAGE];
    var r = await api('GET', '/v1/regulator/ledger-lines' + qs(params));
    var s = stateOf(r);
    if (s) { view.appendChild(s); return; }
    var lines = itemsOf(r.json, 'lines');
    var dl = el('p', {}, el('a', {href: '/v1/regulator/ledger-lines' + qs(csvParams), id: 'csv-download', download: 'ledger-lines.csv',
      onclick: async function (ev) {
        ev.preventDefault();
        var c = await api('GET', '/v1/regulator/ledger-lines' + qs(csvParams), {blob: true, accept: 'text/csv'});
        if (c.blob) save(c.blob, 'ledger-lines.csv');
        else alert('下载失败：' + problemText(c));
      }}, '下载 CSV（当前筛选条件）'));
    if (!lines.length) { view.appendChild(emptyNote('没有符合条件的台账记录')); return; }
    view.appendChild(dl);
    view.appendChild(table(null, ['时间', '主体', '区划', '方向', '品名', '批次', '产地', '数量', '交易对象'], lines.map(function (l) {
      var cp = l.counterparty || {};
      return [beijing(l.occurred_at), l.enterprise_name || l.enterprise_id, place(l.division),
        DIRECTION_LABEL[l.direction] || l.direction, l.product, l.batch, l.origin,
        l.quantity ? qty(l.quantity.amount, l.quantity.unit) : '', [cp.name || cp.id, cp.division ? place(cp.division) : ''].filter(Boolean).join(' ')];
    }), {id: 'ledger-table'}));
    add(view, pager('ledger', q, r.json.next_after));
  }

  // ---- 流向图 -----------------------------------------------------------------------------------
  async function chain(view, q) {
    view.appendChild(el('h1', {}, '流向图'));
    view.appendChild(filterForm('chain-filter', [{name: 'product', label: '品名'},
      {name: 'from', label: '起始日期', type: 'date'}, {name: 'to', label: '截止日期', type: 'date'}], q, 'chain', '生成流向图'));
    if (!q.product) { view.appendChild(el('p', {class: 'empty', 'data-state': 'prompt'}, '请输入品名，生成该品种在大湾区内的流通链条。')); return; }
    var r = await api('GET', '/v1/regulator/chain' + qs({product: q.product, from: q.from, to: q.to}));
    var s = stateOf(r);
    if (s) { view.appendChild(s); return; }
    var nodes = r.json.nodes || [], edges = r.json.edges || [];
    if (!nodes.length) { view.appendChild(emptyNote('该品种暂无流向数据')); return; }
    view.appendChild(chainGraph(q.product, nodes, edges));
  }

  function chainGraph(product, nodes, edges) {
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    // Rank: the longest path from a source (bounded, so a cycle cannot loop).
    var rank = {};
    nodes.forEach(function (n) { rank[n.id] = 0; });
    for (var pass = 0; pass < nodes.length; pass++) {
      var changed = false;
      edges.forEach(function (e) {
        if (byId[e.from] && byId[e.to] && rank[e.to] < rank[e.from] + 1 && rank[e.from] + 1 < nodes.length) {
          rank[e.to] = rank[e.from] + 1;
          changed = true;
        }
      });
      if (!changed) break;
    }
    var groups = {};
    nodes.forEach(function (n) {
      var real = n.city || cityOf(n.division);
      var city = n.kind === 'consumers' ? '消费者' : real || '其他地区';
      var g = groups[city] || (groups[city] = {city: city, nodes: [], rank: Infinity, real: !!real && n.kind !== 'consumers'});
      g.nodes.push(n);
      g.rank = Math.min(g.rank, rank[n.id]);
    });
    var order = Object.keys(groups).map(function (k) { return groups[k]; });
    order.sort(function (a, b) { return a.rank - b.rank || (a.city < b.city ? -1 : 1); });
    order.forEach(function (g) { g.nodes.sort(function (a, b) { return rank[a.id] - rank[b.id] || (a.name < b.name ? -1 : 1); }); });
    var colW = 190, gap = 90, nodeH = 46, head = 30, pad = 10, top = 10;
    var maxN = Math.max.apply(null, order.map(function (g) { return g.nodes.length; }));
    var W = order.length * colW + (order.length - 1) * gap + 20;
    var H = top * 2 + head + maxN * (nodeH + pad) + pad;
    var pos = {};
    var g = svg('g', {});
    order.forEach(function (grp, gi) {
      var x = 10 + gi * (colW + gap);
      var h = head + grp.nodes.length * (nodeH + pad) + pad;
      g.appendChild(svg('g', {class: 'city', 'data-city': grp.city},
        svg('rect', {x: x, y: top, width: colW, height: h, rx: 8, fill: '#eef3f9', stroke: '#7d93ad'}),
        svg('text', {x: x + colW / 2, y: top + 20, 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 700, fill: '#0a3d6b'}, grp.city)));
      grp.nodes.forEach(function (n, ni) {
        var y = top + head + pad + ni * (nodeH + pad);
        pos[n.id] = {x: x + 10, y: y, w: colW - 20, h: nodeH};
        var name = n.name || n.id;
        g.appendChild(svg('g', {class: 'node', 'data-node': n.id},
          svg('rect', {x: x + 10, y: y, width: colW - 20, height: nodeH, rx: 5, fill: n.in_jurisdiction === false ? '#f4f4f4' : '#ffffff',
            stroke: n.in_jurisdiction === false ? '#6b7075' : '#1f5fa8', 'stroke-dasharray': n.in_jurisdiction === false ? '4 3' : null}),
          svg('text', {x: x + colW / 2, y: y + 19, 'text-anchor': 'middle', 'font-size': 12, fill: '#1a1a1a'},
            name.length > 14 ? name.slice(0, 13) + '…' : name),
          svg('text', {x: x + colW / 2, y: y + 36, 'text-anchor': 'middle', 'font-size': 11, fill: '#3d4348'},
            (n.division || '') + (n.in_jurisdiction === false && n.kind !== 'consumers' ? ' 辖区外' : '')),
          svg('title', {}, name + ' ' + (n.division || ''))));
      });
    });
    var eg = svg('g', {});
    edges.forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b) return;
      var forward = b.x >= a.x;
      var x1 = forward ? a.x + a.w : a.x, y1 = a.y + a.h / 2;
      var x2 = forward ? b.x : b.x + b.w, y2 = b.y + b.h / 2;
      if (a.x === b.x) { x1 = a.x + a.w; x2 = b.x + b.w; }
      var dx = a.x === b.x ? 50 : (x2 - x1) / 2;
      var d = 'M' + x1 + ',' + y1 + ' C' + (x1 + dx) + ',' + y1 + ' ' + (x2 - (a.x === b.x ? -50 : dx)) + ',' + y2 + ' ' + x2 + ',' + y2;
      var label = qty(e.amount, e.unit) + (e.shipments ? ' · ' + e.shipments + ' 批' : '');
      eg.appendChild(svg('g', {class: 'edge', 'data-from': e.from, 'data-to': e.to},
        svg('path', {d: d, fill: 'none', stroke: '#c2581a', 'stroke-width': 2, 'marker-end': 'url(#arrow)'}),
        svg('text', {x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle', 'font-size': 11, fill: '#1a1a1a',
          stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke'}, label),
        svg('title', {}, (byId[e.from].name || e.from) + ' → ' + (byId[e.to].name || e.to) + '：' + label)));
    });
    var cities = order.filter(function (x) { return x.real; }).length;
    var graph = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-labelledby': 'chain-title', id: 'chain-svg'},
      svg('title', {id: 'chain-title'}, product + ' 流通链条：' + cities + ' 个城市、' + nodes.length + ' 个主体、' + edges.length + ' 条流向'),
      svg('defs', {}, svg('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'},
        svg('path', {d: 'M0,0 L10,5 L0,10 z', fill: '#c2581a'}))),
      g, eg);
    var rows = edges.map(function (e) {
      var a = byId[e.from] || {}, b = byId[e.to] || {};
      var where = function (n) { var c = n.city || cityOf(n.division); return c ? '（' + c + '）' : ''; };
      return [(a.name || e.from) + where(a), (b.name || e.to) + where(b),
        e.product || product, qty(e.amount, e.unit), e.shipments === undefined ? '' : String(e.shipments)];
    });
    return el('div', {},
      el('p', {id: 'chain-summary', 'data-cities': cities, 'data-nodes': nodes.length, 'data-edges': edges.length},
        product + '：' + cities + ' 个城市（' + order.filter(function (x) { return x.real; }).map(function (x) { return x.city; }).join('、') + '），' + nodes.length +
        ' 个主体，' + edges.length + ' 条流向。虚线框为辖区外主体。'),
      el('figure', {id: 'chain-figure'}, el('figcaption', {}, product + ' 流通链条（按城市分组）'),
        graph),
      el('h2', {}, '流向明细'),
      table(null, ['发出方', '接收方', '品种', '数量', '批次数'], rows, {id: 'chain-table'}));
  }

  var VIEWS = {dashboard: dashboard, entities: entities, entity: entity, inspect: inspect, draws: draws, ledger: ledger, chain: chain};
  route();
})();
)JS";

}  // namespace agritrace::api
