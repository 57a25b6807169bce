/* vjcorpus explorer: a single page over the vjcorpus API, no build step.
 * Views by hash route: #/search?q=…, #/timeline, #/projects, #/stats,
 * #/doc and #/doc/<id>?start=&end=&hl=&p=. The API is same-origin unless
 * the page's own query has ?api=http://host:port (a server started with
 * --cors-origin). No innerHTML anywhere: search snippets are parsed into
 * text and <mark> nodes; everything else is text. */
(function () {
  'use strict';

  /* ---------- small helpers ---------- */
  var SVGNS = 'http://www.w3.org/2000/svg';
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function put(el, kids) {
    for (var i = 0; i < kids.length; i++) {
      var k = kids[i];
      if (k == null || k === false) continue;
      if (Array.isArray(k)) put(el, k);
      else el.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return el;
  }
  function attrs(el, a) {
    if (a) Object.keys(a).forEach(function (k) {
      var v = a[k];
      if (v == null || v === false) return;
      if (k === 'class') el.setAttribute('class', v);
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    return el;
  }
  function fill(el) { el.textContent = ''; return put(el, [].slice.call(arguments, 1)); }
  function h(tag, a) { return put(attrs(document.createElement(tag), a), [].slice.call(arguments, 2)); }
  function s(tag, a) { return put(attrs(document.createElementNS(SVGNS, tag), a), [].slice.call(arguments, 2)); }
  function enc(v) { return encodeURIComponent(v); }
  function qs(obj) {
    var out = [];
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (v != null && v !== '' && v !== false) out.push(enc(k) + '=' + enc(v));
    });
    return out.length ? '?' + out.join('&') : '';
  }
  function intParam(p, name, def) {
    var n = parseInt(p.get(name), 10);
    return isFinite(n) && n >= 0 ? n : def;
  }
  var nf = new Intl.NumberFormat('vi-VN');
  var nf1 = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
  var coll = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

  /* ---------- labels ---------- */
  var TYPES = {
    visit: 'Chuyến thăm', meeting: 'Hội đàm, gặp gỡ', agreement: 'Thỏa thuận',
    opening: 'Khánh thành, khai trương', groundbreaking: 'Khởi công', forum: 'Diễn đàn',
    announcement: 'Thông báo', milestone: 'Dấu mốc', target: 'Mục tiêu', other: 'Khác'
  };
  var SECTORS = {
    transport: 'Giao thông', energy: 'Năng lượng', environment: 'Môi trường', urban: 'Đô thị',
    education: 'Giáo dục', health: 'Y tế', space: 'Vũ trụ', agriculture: 'Nông nghiệp',
    digital: 'Công nghệ số', industry: 'Công nghiệp', other: 'Khác'
  };
  var STATUSES = {
    proposed: 'Đề xuất', planned: 'Dự kiến', under_construction: 'Đang xây dựng',
    completed: 'Hoàn thành', operational: 'Đang vận hành', unknown: 'Chưa rõ'
  };
  var FUNDING = {
    oda_loan: 'Vốn vay ODA', grant: 'Viện trợ không hoàn lại', fdi: 'FDI', jbic: 'JBIC',
    private: 'Tư nhân', unknown: 'Chưa rõ'
  };
  var METRICS = {
    trade: 'Kim ngạch thương mại', export: 'Xuất khẩu', import: 'Nhập khẩu', investment: 'Đầu tư',
    oda: 'Vốn ODA', loan: 'Khoản vay', visitors: 'Lượt khách qua lại', residents: 'Người Việt tại Nhật Bản',
    workers: 'Lao động', trainees: 'Thực tập sinh', students: 'Sinh viên, nghiên cứu sinh',
    companies: 'Doanh nghiệp', projects: 'Dự án', localities: 'Địa phương',
    infrastructure: 'Hạ tầng', target: 'Mục tiêu', other: 'Khác'
  };
  var MAIN_METRICS = ['trade', 'investment', 'oda', 'visitors'];
  var APPROX = { about: 'khoảng ', more_than: 'hơn ', less_than: 'dưới ', nearly: 'gần ' };
  var UNITS = { USD: 'USD', EUR: 'EUR', JPY: 'yên', VND: 'đồng', km: 'km', person: 'người', company: 'doanh nghiệp', project: 'dự án', locality: 'địa phương' };
  var STATUS_TEXT = {
    400: 'Yêu cầu không hợp lệ', 403: 'Không được phép', 404: 'Không tìm thấy',
    405: 'Phương thức không được hỗ trợ', 413: 'Yêu cầu quá lớn', 414: 'Địa chỉ quá dài',
    429: 'Quá nhiều yêu cầu', 431: 'Tiêu đề yêu cầu quá lớn', 500: 'Lỗi máy chủ',
    502: 'Lỗi cổng nối', 503: 'Máy chủ chưa sẵn sàng (đang nạp dữ liệu)', 504: 'Máy chủ phản hồi quá chậm'
  };

  /* ---------- dates and numbers ---------- */
  function isoParts(v) {
    var m = /^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(v || '');
    return m ? { y: m[1], m: m[2] ? +m[2] : 0, d: m[3] ? +m[3] : 0 } : null;
  }
  function fmtIso(v) {
    var p = isoParts(v);
    if (!p) return v || '';
    if (p.d) return p.d + '/' + p.m + '/' + p.y;
    if (p.m) return 'tháng ' + p.m + '/' + p.y;
    return 'năm ' + p.y;
  }
  function fmtPublished(v) { return v ? fmtIso(v) : 'không rõ ngày đăng'; }
  function fmtDate(d) {
    if (!d) return 'không rõ thời điểm';
    var a = isoParts(d.start), b = isoParts(d.end), out;
    if (!a || !b) return d.start + (d.end !== d.start ? ' – ' + d.end : '');
    if (d.precision === 'quarter') {
      out = 'quý ' + (Math.floor((a.m - 1) / 3) + 1) + '/' + a.y;
    } else if (d.start === d.end) {
      out = fmtIso(d.start);
    } else if (d.precision === 'day' && a.y === b.y && a.m === b.m) {
      out = a.d + '–' + b.d + '/' + a.m + '/' + a.y;
    } else if (d.precision === 'month' && a.y === b.y) {
      out = 'tháng ' + a.m + '–' + b.m + '/' + a.y;
    } else if (d.precision === 'year') {
      out = 'năm ' + a.y + '–' + b.y;
    } else {
      out = fmtIso(d.start) + ' – ' + fmtIso(d.end);
    }
    if (d.precision === 'week') out = 'tuần ' + out;
    if (d.mod === 'fiscal') out = 'năm tài chính ' + out.replace(/^năm /, '');
    else if (d.mod) out = ({ early: 'đầu ', mid: 'giữa ', late: 'cuối ', approx: 'khoảng ' })[d.mod] + out;
    return out;
  }
  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return nf1.format(v / 1e9) + ' tỷ';
    if (a >= 1e6) return nf1.format(v / 1e6) + ' triệu';
    if (a >= 1e4) return nf1.format(v / 1e3) + ' nghìn';
    return nf1.format(v);
  }
  function unitText(st) {
    if (st.unit === '%') return '%';
    if (st.unit === 'person' || st.unit === 'other') return st.unit_text ? ' ' + st.unit_text : '';
    return ' ' + (UNITS[st.unit] || st.unit_text || '');
  }
  function fmtStat(st) {
    var v = compact(st.value) + (st.value_max != null ? '–' + compact(st.value_max) : '');
    return (APPROX[st.approx] || '') + v + unitText(st);
  }
  /* A date as a fractional year: the start of its first unit or the end of its last. */
  function yearFrac(v, atEnd) {
    var p = isoParts(v);
    if (!p) return NaN;
    var y = +p.y;
    if (!p.m) return atEnd ? y + 1 : y;
    if (!p.d) return y + (atEnd ? p.m : p.m - 1) / 12;
    var t0 = Date.UTC(y, 0, 1), t1 = Date.UTC(y + 1, 0, 1);
    return y + (Date.UTC(y, p.m - 1, p.d + (atEnd ? 1 : 0)) - t0) / (t1 - t0);
  }

  /* ---------- the API ---------- */
  var API = '';
  var apiParamProblem = null;
  (function () {
    var raw = new URLSearchParams(location.search).get('api');
    if (!raw) return;
    try {
      var u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      API = (u.origin + u.pathname).replace(/\/+$/, '');
    } catch (e) {
      apiParamProblem = 'Tham số ?api= không phải là một địa chỉ http(s) hợp lệ: “' + raw + '”. Trang dùng máy chủ hiện tại.';
    }
  })();

  function ApiError(message, status, problem) {
    var e = new Error(message);
    e.name = 'ApiError';
    e.status = status;
    e.problem = problem;
    return e;
  }

  function api(path, params, signal) {
    var url = API + path + qs(params || {});
    return fetch(url, { signal: signal, credentials: 'omit' }).then(function (res) {
      var ct = res.headers.get('content-type') || '';
      var body = /json/.test(ct) ? res.json().catch(function () { return null; }) : Promise.resolve(null);
      return body.then(function (b) {
        if (!res.ok) {
          var label = STATUS_TEXT[res.status] || (res.status >= 500 ? 'Lỗi máy chủ' : 'Yêu cầu không thành công');
          throw ApiError(label + ' (mã ' + res.status + ').', res.status, b && typeof b === 'object' ? b : null);
        }
        if (b === null) throw ApiError('Máy chủ trả về dữ liệu không đọc được (không phải JSON).', res.status, null);
        return b;
      });
    }, function (err) {
      if (err && err.name === 'AbortError') throw err;
      throw ApiError('Không kết nối được tới máy chủ dữ liệu ' + (API || location.origin) +
        '. Hãy kiểm tra máy chủ đang chạy, địa chỉ API và cấu hình CORS (--cors-origin).', 0, null);
    });
  }

  /* Every page of a list endpoint (limit 100), at most `cap` items. */
  function apiAll(path, params, signal, cap) {
    var items = [];
    function page(offset) {
      var p = Object.assign({}, params, { limit: 100, offset: offset });
      return api(path, p, signal).then(function (d) {
        items = items.concat(d.items);
        if (d.items.length && items.length < d.total && items.length < (cap || 1000)) return page(items.length);
        return { items: items, total: d.total };
      });
    }
    return page(0);
  }

  /* ---------- alert and status ---------- */
  var alertBox, statusBox, main;
  function clearAlert() { fill(alertBox); }
  function showError(err) {
    var p = err && err.problem;
    fill(alertBox, 
      h('p', { class: 'alert-title' }, 'Không tải được dữ liệu: ', err && err.status !== undefined ? err.message : 'lỗi không mong đợi.'),
      p && p.detail ? h('p', null, 'Chi tiết từ máy chủ: ', h('q', { class: 'detail', lang: 'en' }, p.detail)) : null,
      p && p.parameter ? h('p', null, 'Tham số liên quan: ', h('code', null, p.parameter)) : null,
      !err || err.status === undefined ? h('p', { class: 'detail' }, String(err && err.message || err)) : null,
      h('p', null, h('button', { type: 'button', class: 'link', onclick: function () { route(); } }, 'Thử lại'))
    );
  }
  function announce(text) {
    statusBox.textContent = '';
    setTimeout(function () { statusBox.textContent = text; }, 30);
  }

  /* ---------- routing ---------- */
  function parseHash() {
    var raw = location.hash.replace(/^#/, '');
    if (raw && raw.charAt(0) !== '/') return null;
    var i = raw.indexOf('?');
    var path = i < 0 ? raw : raw.slice(0, i);
    var parts = path.split('/').filter(Boolean).map(function (x) {
      try { return decodeURIComponent(x); } catch (e) { return x; }
    });
    return { view: parts[0] || 'search', arg: parts[1] || '', params: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
  }

  var mounted = null;      /* { view, update } */
  var inflight = null;     /* AbortController of the current route */
  var keepFocus = false;   /* set by forms that change the hash themselves */
  var firstRoute = true;
  var lastRoute = null;

  function go(hash, focusStays) {
    keepFocus = !!focusStays;
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  function route() {
    var r = parseHash();
    if (!r) return; /* an in-page anchor, not a route */
    lastRoute = r;
    if (inflight) inflight.abort();
    var ctrl = new AbortController();
    inflight = ctrl;
    clearAlert();
    if (apiParamProblem) alertBox.appendChild(h('p', null, apiParamProblem));
    var factory = VIEWS[r.view] || viewNotFound;
    $$('nav a[data-view]').forEach(function (a) {
      if (a.getAttribute('data-view') === r.view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    var fresh = !mounted || mounted.view !== r.view || mounted.arg !== r.arg;
    if (fresh) {
      mounted = factory(r);
      mounted.view = r.view;
      mounted.arg = r.arg;
      fill(main, mounted.el);
      document.title = mounted.title + ' · Việt Nam – Nhật Bản · vjcorpus';
    }
    var moveFocus = !keepFocus && !firstRoute && fresh;
    keepFocus = false;
    firstRoute = false;
    main.setAttribute('aria-busy', 'true');
    var done = function () { if (inflight === ctrl) main.removeAttribute('aria-busy'); };
    Promise.resolve().then(function () { return mounted.update(r, ctrl.signal); }).then(function (focusTarget) {
      done();
      if (ctrl.signal.aborted) return;
      if (focusTarget && focusTarget.focus) { focusTarget.focus({ preventScroll: true }); }
      else if (moveFocus) { var h1 = $('h1', main); if (h1) h1.focus(); }
    }, function (err) {
      done();
      if (err && err.name === 'AbortError') return;
      if (mounted.fail) mounted.fail();
      showError(err);
      if (typeof console !== 'undefined') console.warn('vjcorpus:', err);
    });
  }

  function heading(text) { return h('h1', { tabindex: '-1' }, text); }
  function loading() { return h('p', { class: 'loading' }, 'Đang tải…'); }
  function docLink(src, extra) {
    var p = { p: src.paragraph };
    if (src.char_start != null && src.char_end != null) { p.start = src.char_start; p.end = src.char_end; }
    return '#/doc/' + enc(src.document_id) + qs(Object.assign(p, extra || {}));
  }

  /* ---------- search box with suggestions ---------- */
  function setupSearchBox() {
    var form = $('#search-form'), input = $('#q'), list = $('#suggestions');
    var items = [], active = -1, timer = 0, ctrl = null;
    function close() {
      clearTimeout(timer);
      if (ctrl) { ctrl.abort(); ctrl = null; }
      list.hidden = true;
      fill(list);
      items = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function mark(i) {
      active = i;
      $$('[role=option]', list).forEach(function (li, j) {
        li.setAttribute('aria-selected', j === i ? 'true' : 'false');
      });
      if (i >= 0) {
        input.setAttribute('aria-activedescendant', 'sug-' + i);
        var li = $('#sug-' + i);
        if (li && li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }
    function open(list_) {
      items = list_;
      if (!items.length) return close();
      fill(list, items.map(function (it, i) {
        return h('li', {
          id: 'sug-' + i, role: 'option', 'aria-selected': 'false',
          onmousedown: function (e) { e.preventDefault(); choose(i); }
        }, h('span', null, it.text), h('span', { class: 'count', 'aria-label': it.count + ' lần' }, nf.format(it.count)));
      }));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
      input.removeAttribute('aria-activedescendant');
    }
    function choose(i) {
      input.value = items[i].text;
      close();
      submit();
    }
    function submit() {
      close();
      var q = input.value.trim();
      go('#/search' + qs({ q: q }), true);
    }
    function suggest() {
      var v = input.value;
      if (!v.trim()) return close();
      if (ctrl) ctrl.abort();
      ctrl = new AbortController();
      api('/api/v1/suggest', { q: v, limit: 8 }, ctrl.signal).then(function (d) {
        if (input.value === v && document.activeElement === input) open(d.items || []);
      }, function () { /* suggestions are a convenience; search reports errors */ });
    }
    input.addEventListener('input', function () {
      clearTimeout(timer);
      if (active >= 0) mark(-1);
      timer = setTimeout(suggest, 120);
    });
    input.addEventListener('keydown', function (e) {
      var n = items.length;
      if (e.key === 'ArrowDown' || e.key === 'Down') {
        e.preventDefault();
        if (list.hidden) { suggest(); return; }
        if (n) mark(active + 1 >= n ? 0 : active + 1);
      } else if (e.key === 'ArrowUp' || e.key === 'Up') {
        e.preventDefault();
        if (n) mark(active <= 0 ? n - 1 : active - 1);
      } else if (e.key === 'Enter') {
        if (!list.hidden && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === 'Escape' || e.key === 'Esc') {
        if (!list.hidden) { e.preventDefault(); close(); }
        else if (input.value) { e.preventDefault(); input.value = ''; }
      } else if (e.key === 'Tab') close();
    });
    input.addEventListener('blur', function () { setTimeout(close, 100); });
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
    return { input: input, close: close };
  }
  var searchBox;

  /* The server's snippet: escaped text and <mark>…</mark>. Parsed, not
   * inserted as HTML; hits separated only by spaces become one mark. */
  var ENT = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
  function decodeEnt(t) { return t.replace(/&(amp|lt|gt|quot|#39|apos);/g, function (m, e) { return ENT[e]; }); }
  function snippetNodes(snip) {
    var frag = document.createDocumentFragment();
    var parts = String(snip).split(/(<mark>|<\/mark>)/);
    var bad = parts.some(function (p) { return p !== '<mark>' && p !== '</mark>' && /[<>]/.test(p); });
    if (bad) { frag.appendChild(document.createTextNode(decodeEnt(String(snip).replace(/<[^>]*>/g, '')))); return frag; }
    var m = null;
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i];
      if (p === '<mark>') { if (!m) m = h('mark'); }
      else if (p === '</mark>') {
        if (!m) continue;
        if (i + 2 < parts.length && /^\s+$/.test(parts[i + 1]) && parts[i + 2] === '<mark>') {
          m.appendChild(document.createTextNode(parts[i + 1]));
          i += 2;
          continue;
        }
        frag.appendChild(m);
        m = null;
      } else if (p) {
        (m || frag).appendChild(document.createTextNode(decodeEnt(p)));
      }
    }
    if (m) frag.appendChild(m);
    return frag;
  }

  /* ---------- view: search (and home) ---------- */
  function viewSearch() {
    var out = h('div', { class: 'results' });
    var title = heading('Tìm kiếm');
    var el = h('section', { class: 'view view-search', 'aria-labelledby': 'h-search' }, title, out);
    title.id = 'h-search';
    return {
      el: el, title: 'Tìm kiếm',
      fail: function () { fill(out); },
      update: function (r, signal) {
        var p = r.params, q = (p.get('q') || '');
        if (document.activeElement !== searchBox.input || searchBox.input.value.trim() !== q.trim()) searchBox.input.value = q;
        if (!q.trim()) {
          title.textContent = 'Tìm trong kho bài báo';
          return home(out, signal);
        }
        title.textContent = 'Kết quả tìm kiếm';
        var offset = intParam(p, 'offset', 0), limit = 20;
        var from = p.get('from') || '', to = p.get('to') || '';
        fill(out, loading());
        return api('/api/v1/search', { q: q, limit: limit, offset: offset, from: from, to: to }, signal).then(function (d) {
          var base = { q: q, from: from, to: to };
          var summary = h('p', { class: 'summary' },
            d.total ? ['Có ', h('strong', null, nf.format(d.total)), ' đoạn văn khớp với ', h('q', null, q)]
              : ['Không có đoạn văn nào khớp với ', h('q', null, q), '. Hãy thử bỏ bớt từ, hoặc dùng ', h('code', null, 'OR'), '.'],
            from || to ? [' (đăng ', from === to ? fmtIso(from) : [from ? 'từ ' + fmtIso(from) : '', to ? ' đến ' + fmtIso(to) : ''], ') ',
              h('a', { href: '#/search' + qs({ q: q }) }, 'bỏ lọc theo năm')] : null);
          var years = Object.keys(d.facets && d.facets.year || {}).sort().reverse();
          var facet = years.length > 1 && !from && !to ? h('p', { class: 'facets' }, 'Theo năm đăng: ', years.map(function (y) {
            return y === 'unknown' ? h('span', { class: 'chip' }, 'không rõ (' + d.facets.year[y] + ')')
              : h('a', { class: 'chip', href: '#/search' + qs({ q: q, from: y, to: y }) }, y + ' (' + d.facets.year[y] + ')');
          })) : null;
          var list = h('ol', { class: 'hits', start: offset + 1 }, d.items.map(function (it) {
            var hl = mergeRanges(it.highlights.map(function (x) { return [x.char_start, x.char_end]; }), null)
              .slice(0, 40).map(function (x) { return x[0] + '-' + x[1]; }).join(',');
            var href = '#/doc/' + enc(it.document_id) + qs({ p: it.paragraph, hl: hl });
            return h('li', { class: 'hit' },
              h('h2', null, h('a', { href: href }, it.document_title || it.document_id)),
              h('p', { class: 'meta' }, fmtPublished(it.published), ' · đoạn ', it.paragraph + 1),
              h('p', { class: 'snippet' }, snippetNodes(it.snippet)));
          }));
          fill(out, summary, facet, list, pager('#/search', base, offset, limit, d.total));
          announce(d.total ? 'Tìm thấy ' + d.total + ' đoạn văn.' : 'Không tìm thấy kết quả.');
        });
      }
    };
  }

  function pager(path, base, offset, limit, total) {
    if (total <= limit) return null;
    var prev = offset > 0 ? h('a', { href: path + qs(Object.assign({}, base, { offset: Math.max(0, offset - limit) || '' })), rel: 'prev' }, '← Trang trước') : null;
    var next = offset + limit < total ? h('a', { href: path + qs(Object.assign({}, base, { offset: offset + limit })), rel: 'next' }, 'Trang sau →') : null;
    return h('nav', { class: 'pager', 'aria-label': 'Phân trang' }, prev,
      h('span', null, (offset + 1) + '–' + Math.min(total, offset + limit) + ' / ' + nf.format(total)), next);
  }

  function home(out, signal) {
    fill(out, loading());
    return api('/api/v1/stats', { top: 12 }, signal).then(function (d) {
      var c = d.counts || {};
      var fig = function (n, label, href) {
        return h('li', null, h(href ? 'a' : 'span', href ? { href: href } : null, h('strong', null, nf.format(n || 0)), ' ', label));
      };
      var words = (d.top_terms && d.top_terms.words || []).map(function (t) {
        return h('a', { class: 'chip', href: '#/search' + qs({ q: '"' + t.term + '"' }) }, t.term);
      });
      fill(out, 
        h('p', { class: 'lead' }, 'Tra cứu các bài báo tiếng Việt về quan hệ Việt Nam – Nhật Bản. Gõ không dấu cũng được: ',
          h('a', { href: '#/search?q=ha%20noi' }, 'ha noi'), ' tìm thấy “Hà Nội”.'),
        h('ul', { class: 'figures' },
          fig(d.documents, 'bài báo', '#/doc'), fig(d.paragraphs, 'đoạn văn'),
          fig(c.events, 'sự kiện', '#/timeline'), fig(c.projects, 'dự án', '#/projects'),
          fig(c.statistics, 'số liệu', '#/stats'), fig(c.entities, 'nhân vật, tổ chức, địa danh')),
        d.published && d.published.from ? h('p', { class: 'meta' }, 'Các bài đăng từ ', fmtPublished(d.published.from), ' đến ', fmtPublished(d.published.to), '.') : null,
        words.length ? h('div', { class: 'terms' }, h('h2', null, 'Từ xuất hiện nhiều'), h('p', { class: 'chips' }, words)) : null,
        h('div', { class: 'terms' }, h('h2', null, 'Cú pháp tìm kiếm'), h('ul', { class: 'syntax' },
          h('li', null, h('code', null, '"Hà Nội"'), ' – đúng cụm từ'),
          h('li', null, h('code', null, 'nhật -metro'), ' – loại trừ một từ'),
          h('li', null, h('code', null, 'metro OR LOTUSat'), ' – một trong hai'),
          h('li', null, h('code', null, 'Taka*'), ' – tiền tố')))
      );
    });
  }

  /* ---------- view: article reader ---------- */
  function cpIndexer(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return function (i) { return i; };
    var map = [], u = 0;
    for (var ch of text) { map.push(u); u += ch.length; }
    map.push(u);
    return function (i) { return map[Math.max(0, Math.min(i, map.length - 1))]; };
  }
  /* Sorted, merged [start, end) ranges; with text, ranges apart only by
   * white space merge too. */
  function mergeRanges(rs, text) {
    rs = rs.filter(function (r) { return r[1] > r[0]; }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var out = [];
    rs.forEach(function (r) {
      var last = out[out.length - 1];
      if (last && (r[0] <= last[1] || (text != null && /^\s*$/.test(text.slice(last[1], r[0])) && !/\n/.test(text.slice(last[1], r[0]))))) {
        last[1] = Math.max(last[1], r[1]);
        if (r[2]) last[2] = r[2];
      } else out.push(r.slice());
    });
    return out;
  }
  function parseRanges(v) {
    return (v || '').split(',').map(function (x) {
      var m = /^(\d+)-(\d+)$/.exec(x.trim());
      return m ? [+m[1], +m[2]] : null;
    }).filter(Boolean);
  }

  function viewDoc(r) {
    if (!r.arg) return viewDocList();
    var out = h('div', null, loading());
    var el = h('article', { class: 'view view-doc' }, out);
    var cached = null;
    return {
      el: el, title: 'Bài báo',
      fail: function () { fill(out, heading('Không mở được bài báo')); },
      update: function (r2, signal) {
        var p = r2.params;
        var load = cached ? Promise.resolve(cached) : api('/api/v1/documents/' + enc(r2.arg), null, signal);
        return load.then(function (d) {
          cached = d;
          document.title = d.title + ' · vjcorpus';
          var cp = cpIndexer(d.text);
          var ranges = parseRanges(p.get('hl')).map(function (x) { return [cp(x[0]), cp(x[1]), 'hit']; });
          var st = parseInt(p.get('start'), 10), en = parseInt(p.get('end'), 10);
          if (isFinite(st) && isFinite(en) && en > st) ranges.push([cp(st), cp(en), 'quote']);
          ranges = mergeRanges(ranges, d.text);
          var cur = parseInt(p.get('p'), 10);
          var caps = {};
          (d.captions || []).forEach(function (c) {
            var k = c.after_paragraph == null ? -1 : c.after_paragraph;
            (caps[k] = caps[k] || []).push(c);
          });
          var capNodes = function (k) {
            return (caps[k] || []).map(function (c) {
              return h('p', { class: 'caption' }, h('span', { class: 'vh' }, 'Chú thích ảnh: '), c.text, c.credit ? ' (Ảnh: ' + c.credit + ')' : '');
            });
          };
          var body = h('div', { class: 'doc-text' }, capNodes(-1), d.paragraphs.map(function (para) {
            var a = cp(para.char_start), b = cp(para.char_end);
            var node = h('p', { id: 'p-' + para.index, class: para.index === cur ? 'current' : null });
            var pos = a;
            ranges.forEach(function (rg) {
              var x = Math.max(rg[0], a), y = Math.min(rg[1], b);
              if (y <= x) return;
              if (x > pos) node.appendChild(document.createTextNode(d.text.slice(pos, x)));
              node.appendChild(h('mark', { class: rg[2] || 'hit', tabindex: '-1' }, d.text.slice(x, y)));
              pos = y;
            });
            if (pos < b) node.appendChild(document.createTextNode(d.text.slice(pos, b)));
            return [node, capNodes(para.index)];
          }));
          var url = d.url && /^https?:\/\//i.test(d.url) ? d.url : null;
          fill(out, 
            h('p', { class: 'back' }, h('a', { href: '#/doc' }, '← Tất cả bài báo')),
            heading(d.title || d.id),
            h('p', { class: 'meta' }, 'Đăng ', fmtPublished(d.published),
              d.author ? [' · ', d.author] : null, d.source ? [' · ', d.source] : null,
              ' · ', nf.format(d.words), ' chữ · ', d.paragraph_count, ' đoạn',
              url ? [' · ', h('a', { href: url, rel: 'noopener noreferrer external', target: '_blank' }, 'bài gốc ↗')] : null),
            ranges.length ? h('p', { class: 'hint' }, h('mark', { class: ranges.some(function (x) { return x[2] === 'quote'; }) ? 'quote' : 'hit' }, 'Phần tô màu'),
              ' là đoạn trích được dẫn. ', h('button', { type: 'button', class: 'link', onclick: function () { if (best) { best.scrollIntoView({ block: 'center' }); best.focus({ preventScroll: true }); } } }, 'Tới đoạn trích')) : null,
            body);
          /* the quote, else the longest highlight (a whole "Hà Nội" rather than a lone folded "hạ") */
          var marks = $$('mark[tabindex]', body), best = $('mark.quote', body);
          if (!best) marks.forEach(function (m) { if (!best || m.textContent.length > best.textContent.length) best = m; });
          var target = best || (isFinite(cur) ? $('#p-' + cur, body) : null);
          if (target) {
            if (target.tagName === 'P') target.setAttribute('tabindex', '-1');
            target.scrollIntoView({ block: 'center' });
            return target;
          }
          window.scrollTo(0, 0);
        });
      }
    };
  }

  function viewDocList() {
    var out = h('div', null, loading());
    return {
      el: h('section', { class: 'view' }, heading('Bài báo'), out), title: 'Bài báo',
      fail: function () { fill(out); },
      update: function (r, signal) {
        return apiAll('/api/v1/documents', { sort: 'published', order: 'desc' }, signal, 1000).then(function (d) {
          fill(out, h('p', { class: 'summary' }, nf.format(d.total), ' bài, mới nhất trước.'),
            h('ol', { class: 'docs' }, d.items.map(function (it) {
              return h('li', null, h('a', { href: '#/doc/' + enc(it.id) }, it.title || it.id),
                h('p', { class: 'meta' }, fmtPublished(it.published), it.source ? ' · ' + it.source : '', ' · ', nf.format(it.words), ' chữ'));
            })));
        });
      }
    };
  }

  /* ---------- view: timeline ---------- */
  var entityCache = null;
  function loadActors(datalist) {
    if (!entityCache) {
      entityCache = apiAll('/api/v1/entities', { sort: 'mentions' }, undefined, 500).then(function (d) {
        return d.items.filter(function (e) { return e.type !== 'place'; });
      }, function () { entityCache = null; return []; });
    }
    entityCache.then(function (list) {
      fill(datalist, list.map(function (e) { return h('option', { value: e.name }); }));
    });
  }

  function field(label, control, cls) {
    return h('div', { class: 'field ' + (cls || '') }, h('label', { for: control.id }, label), control);
  }
  function select(id, name, options, allLabel) {
    return h('select', { id: id, name: name }, h('option', { value: '' }, allLabel),
      Object.keys(options).map(function (k) { return h('option', { value: k }, options[k]); }));
  }
  /* Filters fold away on phones, open on wider screens. */
  function filterBox(form) {
    var narrow = window.matchMedia && window.matchMedia('(max-width: 700px)').matches;
    return h('details', { class: 'filter-box', open: !narrow }, h('summary', null, 'Bộ lọc'), form);
  }
  function filterCount(form, params) {
    var n = Object.keys(params).filter(function (k) { return params[k] && k !== 'order' && k !== 'sort' && k !== 'dir'; }).length;
    var sum = form.parentNode && $('summary', form.parentNode);
    if (sum) sum.textContent = n ? 'Bộ lọc · đang dùng ' + n : 'Bộ lọc';
  }
  function formParams(form) {
    var o = {};
    new FormData(form).forEach(function (v, k) {
      v = String(v).trim();
      if (!v) return;
      o[k] = o[k] ? o[k] + ',' + v : v;
    });
    return o;
  }
  function fillForm(form, p) {
    $$('input, select', form).forEach(function (c) {
      var v = p.get(c.name) || '';
      if (c.type === 'checkbox') c.checked = v.split(',').indexOf(c.value) >= 0;
      else c.value = v;
    });
  }

  function viewTimeline() {
    var types = h('fieldset', { class: 'types' }, h('legend', null, 'Loại sự kiện'),
      Object.keys(TYPES).map(function (k) {
        return h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'type', value: k }), ' ', TYPES[k]);
      }));
    var actors = h('datalist', { id: 'actors' });
    var form = h('form', { class: 'filters', 'aria-label': 'Lọc sự kiện' },
      types,
      h('div', { class: 'row' },
        field('Nhân vật, tổ chức', h('input', { id: 'tl-actor', name: 'actor', list: 'actors', placeholder: 'vd. ishiba, JICA' })),
        field('Từ năm', h('input', { id: 'tl-from', name: 'from', inputmode: 'numeric', pattern: '-?[0-9]{4}', maxlength: '5', placeholder: '1973' }), 'narrow'),
        field('Đến năm', h('input', { id: 'tl-to', name: 'to', inputmode: 'numeric', pattern: '-?[0-9]{4}', maxlength: '5', placeholder: '2030' }), 'narrow'),
        field('Có chữ', h('input', { id: 'tl-q', name: 'q', type: 'search', placeholder: 'vd. metro' })),
        field('Trạng thái', h('select', { id: 'tl-planned', name: 'planned' }, h('option', { value: '' }, 'Tất cả'),
          h('option', { value: 'false' }, 'Đã diễn ra'), h('option', { value: 'true' }, 'Dự kiến'))),
        field('Thứ tự', h('select', { id: 'tl-order', name: 'order' }, h('option', { value: '' }, 'Cũ trước'), h('option', { value: 'desc' }, 'Mới trước')))),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Lọc'), h('a', { href: '#/timeline' }, 'Xóa bộ lọc')), actors);
    var out = h('div', { class: 'results' }, loading());
    function apply() { go('#/timeline' + qs(formParams(form)), true); }
    form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
    form.addEventListener('change', function (e) { if (e.target.type === 'checkbox' || e.target.tagName === 'SELECT') apply(); });
    loadActors(actors);
    return {
      el: h('section', { class: 'view view-timeline' }, heading('Dòng thời gian'), filterBox(form), out), title: 'Dòng thời gian',
      fail: function () { fill(out); },
      update: function (r, signal) {
        var p = r.params;
        fillForm(form, p);
        var offset = intParam(p, 'offset', 0), limit = 100;
        var q = { type: p.get('type'), actor: p.get('actor'), from: p.get('from'), to: p.get('to'), q: p.get('q'), planned: p.get('planned'), order: p.get('order') };
        var params = Object.assign({}, q, { limit: limit, offset: offset });
        fill(out, loading());
        return api('/api/v1/timeline', params, signal).then(function (d) {
          var groups = [], byYear = {};
          d.items.forEach(function (ev) {
            var y = (isoParts(ev.date && ev.date.start) || { y: '?' }).y;
            if (!byYear[y]) { byYear[y] = []; groups.push(y); }
            byYear[y].push(ev);
          });
          var base = {};
          Object.keys(q).forEach(function (k) { if (q[k]) base[k] = q[k]; });
          filterCount(form, base);
          fill(out, 
            h('p', { class: 'summary', id: 'event-count' }, d.total ? [h('strong', null, nf.format(d.total)), ' sự kiện'] : 'Không có sự kiện nào khớp với bộ lọc.'),
            groups.map(function (y) {
              return h('section', { class: 'year', 'aria-label': 'Năm ' + y },
                h('h2', { class: 'year-h' }, y),
                h('ol', { class: 'events' }, byYear[y].map(eventItem)));
            }),
            pager('#/timeline', base, offset, limit, d.total));
          announce(d.total + ' sự kiện.');
        });
      }
    };
  }

  function eventItem(ev) {
    var names = function (list) {
      return list.map(function (e, i) {
        return [i ? ', ' : '', h('a', { href: '#/timeline' + qs({ actor: e.id }) }, e.name)];
      });
    };
    return h('li', { class: 'event', 'data-type': ev.type },
      h('p', { class: 'when' }, h('time', { datetime: ev.date && ev.date.start }, fmtDate(ev.date)),
        ' ', h('span', { class: 'badge t-' + ev.type }, TYPES[ev.type] || ev.type),
        ev.planned ? h('span', { class: 'badge planned' }, 'dự kiến') : null),
      h('h3', null, ev.title),
      ev.actors.length ? h('p', { class: 'who' }, 'Tham gia: ', names(ev.actors)) : null,
      ev.places.length ? h('p', { class: 'who' }, 'Địa điểm: ', ev.places.map(function (e) { return e.name; }).join(', ')) : null,
      ev.project_id ? h('p', { class: 'who' }, h('a', { href: '#/projects' + qs({ id: ev.project_id }) }, 'Xem dự án liên quan')) : null,
      h('ul', { class: 'sources', 'aria-label': 'Nguồn' }, ev.sources.map(function (src) {
        return h('li', null,
          h('blockquote', null, h('mark', { class: 'quote' }, src.quote)),
          h('p', { class: 'cite' }, h('a', { class: 'source', href: docLink(src) }, src.document_title || src.document_id),
            ' · ', fmtPublished(src.published), src.date ? ' · bài ghi: ' + fmtDate(src.date) : ''));
      })));
  }

  /* ---------- view: projects ---------- */
  var COLS = [
    { key: 'name', label: 'Dự án', get: function (p) { return p.name; } },
    { key: 'sector', label: 'Lĩnh vực', get: function (p) { return SECTORS[p.sector] || p.sector; } },
    { key: 'status', label: 'Trạng thái', get: function (p) { return STATUSES[p.status] || p.status; } },
    { key: 'location', label: 'Địa điểm', get: function (p) { return p.location ? p.location.name : ''; } },
    { key: 'partners', label: 'Đối tác', get: function (p) { return p.partners.map(function (x) { return x.name; }).join(', '); } },
    { key: 'funding', label: 'Nguồn vốn', get: function (p) { return FUNDING[p.funding] || p.funding; } },
    { key: 'mentions', label: 'Số lần nhắc', num: true, get: function (p) { return p.mention_count; } }
  ];

  function viewProjects() {
    var form = h('form', { class: 'filters', 'aria-label': 'Lọc dự án' },
      h('div', { class: 'row' },
        field('Tên dự án', h('input', { id: 'pj-q', name: 'q', type: 'search', placeholder: 'vd. metro, LNG' })),
        field('Lĩnh vực', select('pj-sector', 'sector', SECTORS, 'Tất cả lĩnh vực')),
        field('Trạng thái', select('pj-status', 'status', STATUSES, 'Tất cả trạng thái')),
        field('Nguồn vốn', select('pj-funding', 'funding', FUNDING, 'Tất cả nguồn vốn')),
        field('Địa điểm', h('input', { id: 'pj-location', name: 'location', type: 'search', placeholder: 'vd. ha noi' })),
        field('Đối tác', h('input', { id: 'pj-partner', name: 'partner', type: 'search', placeholder: 'vd. jica' })),
        field('Sắp xếp', h('select', { id: 'pj-sort', name: 'sort' }, COLS.map(function (c) { return h('option', { value: c.key === 'name' ? '' : c.key }, c.label); })), 'phone-only'),
        field('Chiều', h('select', { id: 'pj-dir', name: 'dir' }, h('option', { value: '' }, 'Tăng dần'), h('option', { value: 'desc' }, 'Giảm dần')), 'phone-only')),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Lọc'), h('a', { href: '#/projects' }, 'Xóa bộ lọc')));
    var out = h('div', { class: 'results' }, loading());
    var data = null, dataKey = null, lastSortKey = null;
    function apply() { go('#/projects' + qs(formParams(form)), true); }
    form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
    form.addEventListener('change', function (e) { if (e.target.tagName === 'SELECT') apply(); });
    return {
      el: h('section', { class: 'view view-projects' }, heading('Dự án hợp tác'), filterBox(form), out), title: 'Dự án',
      fail: function () { fill(out); data = null; dataKey = null; },
      update: function (r, signal) {
        var p = r.params;
        fillForm(form, p);
        var f = { q: p.get('q'), sector: p.get('sector'), status: p.get('status'), funding: p.get('funding'), location: p.get('location'), partner: p.get('partner') };
        var one = p.get('id');
        var key = JSON.stringify(f) + (one || '');
        var sortKey = p.get('sort') || 'name', dir = p.get('dir') === 'desc' ? -1 : 1;
        var load = data && dataKey === key ? Promise.resolve(data) : (fill(out, loading()), one ? api('/api/v1/projects/' + enc(one), null, signal).then(function (pj) { return { items: [pj], total: 1 }; })
          : apiAll('/api/v1/projects', f, signal, 2000));
        return load.then(function (d) {
          data = d; dataKey = key;
          var col = COLS.filter(function (c) { return c.key === sortKey; })[0] || COLS[0];
          var rows = d.items.slice().sort(function (a, b) {
            var x = col.get(a), y = col.get(b);
            var c = col.num ? x - y : coll.compare(String(x), String(y));
            if (!col.num && (!x || !y) && x !== y) return x ? -1 : 1; /* blanks last */
            return c * dir || coll.compare(a.name, b.name);
          });
          var base = {};
          Object.keys(f).forEach(function (k) { if (f[k]) base[k] = f[k]; });
          if (one) base.id = one;
          filterCount(form, base);
          var thead = h('thead', null, h('tr', null, COLS.map(function (c) {
            var on = c.key === col.key;
            var next = Object.assign({}, base, { sort: c.key === 'name' ? '' : c.key, dir: on && dir === 1 ? 'desc' : '' });
            return h('th', { scope: 'col', 'aria-sort': on ? (dir === 1 ? 'ascending' : 'descending') : null, class: c.num ? 'num' : null },
              h('button', { type: 'button', class: 'sort', 'data-key': c.key, onclick: function () { lastSortKey = c.key; go('#/projects' + qs(next), true); } },
                c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, on ? (dir === 1 ? ' ▲' : ' ▼') : ' ↕')));
          })));
          var tbody = h('tbody', null, rows.map(function (pj) {
            var m = pj.mentions[0];
            var step = pj.history.length ? pj.history[pj.history.length - 1] : null;
            return h('tr', { 'data-id': pj.id },
              h('th', { scope: 'row', 'data-label': 'Dự án' }, m ? h('a', { href: docLink(m) }, pj.name) : pj.name,
                pj.amount ? h('span', { class: 'amount' }, ' · ', pj.amount) : null),
              h('td', { 'data-col': 'sector', 'data-label': 'Lĩnh vực' }, SECTORS[pj.sector] || pj.sector),
              h('td', { 'data-col': 'status', 'data-label': 'Trạng thái' }, step ? h('a', { href: docLink(step.source), title: 'Câu văn cho biết trạng thái' }, STATUSES[pj.status] || pj.status) : STATUSES[pj.status] || pj.status,
                step && step.date ? h('span', { class: 'sub' }, ' (' + fmtDate(step.date) + ')') : null),
              h('td', { 'data-col': 'location', 'data-label': 'Địa điểm' }, pj.location ? pj.location.name : '—'),
              h('td', { 'data-col': 'partners', 'data-label': 'Đối tác' }, pj.partners.length ? COLS[4].get(pj) : '—'),
              h('td', { 'data-col': 'funding', 'data-label': 'Nguồn vốn' }, FUNDING[pj.funding] || pj.funding),
              h('td', { 'data-col': 'mentions', 'data-label': 'Số lần nhắc', class: 'num' }, pj.mention_count));
          }));
          fill(out, 
            h('p', { class: 'summary', id: 'project-count' }, h('strong', null, nf.format(d.total)), ' dự án',
              one ? [' · ', h('a', { href: '#/projects' }, 'xem tất cả dự án')] : null),
            d.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'projects' },
              h('caption', { class: 'vh' }, 'Dự án hợp tác, sắp xếp theo ' + col.label.toLowerCase() + (dir === 1 ? ', tăng dần' : ', giảm dần')),
              thead, tbody)) : h('p', null, 'Không có dự án nào khớp với bộ lọc.'));
          announce(d.total + ' dự án.');
          var refocus = lastSortKey && $('button.sort[data-key="' + lastSortKey + '"]', out);
          lastSortKey = null;
          return refocus || null;
        });
      }
    };
  }

  /* ---------- view: statistics ---------- */
  var statsCache = null;
  function viewStats() {
    var out = h('div', { class: 'results' }, loading());
    return {
      el: h('section', { class: 'view view-stats' }, heading('Số liệu theo thời gian'),
        h('p', { class: 'lead' }, 'Mỗi điểm là một con số trích từ bài báo, đặt ở giữa kỳ nó mô tả (vệt ngang là cả kỳ); con số không rõ thời điểm vẽ thành thanh ngang bên dưới. Bảng số liệu dẫn về câu gốc.'), out),
      title: 'Thống kê',
      fail: function () { fill(out); statsCache = null; },
      update: function (r, signal) {
        var extra = r.params.get('metric');
        if (!statsCache) statsCache = apiAll('/api/v1/statistics', { group: 'metric' }, signal, 100);
        return statsCache.then(function (d) {
          var by = {};
          d.items.forEach(function (sr) { by[sr.metric] = sr; });
          var others = Object.keys(METRICS).filter(function (m) { return MAIN_METRICS.indexOf(m) < 0 && by[m]; });
          if (others.indexOf(extra) < 0) extra = others[0];
          var pick = h('select', { id: 'st-metric', onchange: function (e) { go('#/stats' + qs({ metric: e.target.value }), true); } },
            others.map(function (m) { return h('option', { value: m, selected: m === extra }, METRICS[m] + ' (' + by[m].count + ')'); }));
          fill(out, 
            h('div', { class: 'charts' }, MAIN_METRICS.map(function (m) { return statBlock(m, by[m]); })),
            others.length ? h('section', { class: 'more' }, h('h2', null, 'Các chỉ số khác'),
              field('Chỉ số', pick), h('div', { class: 'charts one' }, statBlock(extra, by[extra]))) : null);
          return r.params.get('metric') ? pick : null;
        }, function (e) { statsCache = null; throw e; });
      }
    };
  }

  function statBlock(metric, series) {
    var id = 'chart-' + metric;
    var items = series ? series.items : [];
    return h('section', { class: 'chart-box', 'aria-labelledby': id + '-h' },
      h('h2', { id: id + '-h' }, METRICS[metric] || metric),
      items.length ? chart(metric, items, id) : h('p', { class: 'empty' }, 'Chưa có số liệu.'),
      items.length ? h('details', null, h('summary', null, 'Bảng số liệu (' + items.length + ')'), statTable(items)) : null);
  }

  function statTable(items) {
    return h('table', { class: 'facts' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Thời kỳ'), h('th', { scope: 'col' }, 'Con số'), h('th', { scope: 'col' }, 'Trích dẫn'))),
      h('tbody', null, items.map(function (st) {
        var subj = st.subject ? ' (' + (st.subject.from ? st.subject.from.name : '?') + ' → ' + (st.subject.to ? st.subject.to.name : '?') + ')' : '';
        return h('tr', null, h('td', null, st.period ? fmtDate(st.period) : '—'),
          h('td', null, st.kind === 'change' ? 'thay đổi ' + fmtStat(st) : fmtStat(st), subj,
            st.change ? h('span', { class: 'sub' }, ' (' + nf1.format(st.change.value) + (st.change.unit === '%' ? '%' : ' ' + st.change.unit) + ')') : null),
          h('td', null, h('a', { href: docLink(st.source) }, st.source.quote), h('span', { class: 'sub' }, ' · ' + (st.source.document_title || ''))));
      })));
  }

  /* Plain SVG charts of a metric's levels in its commonest unit: over time
   * (one line per subject, who → whom; each figure at the middle of its
   * period, the period drawn as a bar), and the figures without a date as
   * bars. */
  function chart(metric, items, id) {
    var units = {};
    items.forEach(function (st) { if (st.kind === 'level') units[st.unit] = (units[st.unit] || 0) + 1; });
    var unit = Object.keys(units).sort(function (a, b) { return units[b] - units[a]; })[0];
    var levels = items.filter(function (st) { return st.kind === 'level' && st.unit === unit; });
    var subjectOf = function (st) {
      return st.subject ? (st.subject.from ? st.subject.from.name : '?') + ' → ' + (st.subject.to ? st.subject.to.name : '?') : '';
    };
    var pts = levels.filter(function (st) { return st.period; }).map(function (st) {
      var x0 = yearFrac(st.period.start, false), x1 = yearFrac(st.period.end, true);
      return { st: st, x0: x0, x1: x1, x: (x0 + x1) / 2, y: st.value, key: subjectOf(st) };
    }).filter(function (p) { return isFinite(p.x0) && isFinite(p.x1); });
    var undated = levels.filter(function (st) { return !st.period; });
    if (!levels.length) return h('p', { class: 'empty' }, 'Chỉ có số liệu thay đổi (%), xem bảng.');
    var uname = unit === 'USD' ? 'USD' : unit === 'person' ? 'người' : (UNITS[unit] || unit || '');
    var ymax = niceMax(Math.max.apply(null, levels.map(function (st) { return st.value_max || st.value; })));
    var r1 = function (v) { return Math.round(v * 10) / 10; };
    /* drawn at about the size shown, so the text stays legible on phones */
    var W = Math.round(Math.max(300, Math.min(560, (main.clientWidth || 560) - 40))), L = 62, R = 14, T = 26, B = 32, H = W < 420 ? 200 : 240;
    var parts = [];
    var keys = [];
    if (pts.length) {
      var xmin = Math.floor(Math.min.apply(null, pts.map(function (p) { return p.x0; })));
      var xmax = Math.ceil(Math.max.apply(null, pts.map(function (p) { return p.x1; })));
      if (xmax - xmin < 2) { xmin -= 1; xmax += 1; }
      var X = function (v) { return L + (v - xmin) / (xmax - xmin) * (W - L - R); };
      var Y = function (v) { return T + (1 - v / ymax) * (H - T - B); };
      pts.forEach(function (p) { if (keys.indexOf(p.key) < 0) keys.push(p.key); });
      var grid = [];
      for (var i = 0; i <= 4; i++) {
        var yv = ymax / 4 * i;
        grid.push(s('line', { x1: L, x2: W - R, y1: r1(Y(yv)), y2: r1(Y(yv)), class: 'grid' }),
          s('text', { x: L - 6, y: r1(Y(yv) + 4), 'text-anchor': 'end', class: 'tick' }, compact(yv)));
      }
      var every = Math.max(1, Math.ceil((xmax - xmin) / 10));
      for (var yr = xmin; yr <= xmax; yr++) {
        grid.push(s('line', { x1: r1(X(yr)), x2: r1(X(yr)), y1: H - B, y2: H - B + 5, class: 'axis' }));
        if (yr < xmax && (yr - xmin) % every === 0) grid.push(s('text', { x: r1(X(yr + 0.5)), y: H - B + 20, 'text-anchor': 'middle', class: 'tick' }, String(yr)));
      }
      var series = keys.map(function (k, ki) {
        var ps = pts.filter(function (p) { return p.key === k; }).sort(function (a, b) { return a.x - b.x; });
        return s('g', { class: 'series s' + (ki % 4) },
          ps.length > 1 ? s('polyline', { points: ps.map(function (p) { return r1(X(p.x)) + ',' + r1(Y(p.y)); }).join(' '), class: 'line', fill: 'none' }) : null,
          ps.map(function (p) {
            return s('g', { class: 'point' },
              s('line', { x1: r1(X(p.x0) + 3), x2: r1(Math.max(X(p.x1) - 3, X(p.x0) + 4)), y1: r1(Y(p.y)), y2: r1(Y(p.y)), class: 'span' }),
              s('circle', { cx: r1(X(p.x)), cy: r1(Y(p.y)), r: 5.5, class: 'pt' + (p.st.approx === 'exact' ? '' : ' approx'), 'data-value': p.y },
                s('title', null, fmtStat(p.st) + ' – ' + fmtDate(p.st.period) + (p.key ? ' – ' + p.key : ''))));
          }));
      });
      var desc = pts.slice().sort(function (a, b) { return a.x - b.x; }).map(function (p) {
        return fmtDate(p.st.period) + ': ' + fmtStat(p.st) + (p.key ? ' (' + p.key + ')' : '');
      }).join('; ');
      parts.push(s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart', role: 'img', 'aria-labelledby': id + '-t ' + id + '-d', 'data-metric': metric },
        s('title', { id: id + '-t' }, (METRICS[metric] || metric) + ' theo thời gian, đơn vị ' + uname),
        s('desc', { id: id + '-d' }, desc),
        s('text', { x: 4, y: 14, class: 'unit' }, uname),
        grid,
        s('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }),
        series));
      if (keys.length > 1 || keys[0]) parts.push(h('ul', { class: 'legend' }, keys.map(function (k, ki) {
        return h('li', { class: 's' + (ki % 4) }, h('span', { class: 'sw', 'aria-hidden': 'true' }), k || 'không rõ chiều');
      })));
    }
    if (undated.length) {
      var BH = 30, BT = 6, HB = BT + undated.length * BH;
      var BX = function (v) { return L + v / ymax * (W - L - 130); };
      parts.push(h('p', { class: 'sub' }, pts.length ? 'Không rõ thời điểm:' : 'Các con số không rõ thời điểm:'),
        s('svg', { viewBox: '0 0 ' + W + ' ' + HB, class: 'bars', role: 'img', 'aria-label': 'Không rõ thời điểm: ' + undated.map(fmtStat).join('; ') },
          undated.map(function (st, i) {
            var y = BT + i * BH, k = keys.indexOf(subjectOf(st));
            return s('g', { class: 'series s' + ((k < 0 ? 0 : k) % 4) },
              s('text', { x: L - 6, y: y + 18, 'text-anchor': 'end', class: 'tick' }, '#' + (i + 1)),
              s('rect', { x: L, y: y + 4, width: r1(Math.max(2, BX(st.value) - L)), height: BH - 10, rx: 3, class: 'bar' + (st.approx === 'exact' ? '' : ' approx') },
                s('title', null, fmtStat(st) + ': ' + st.source.quote)),
              s('text', { x: r1(BX(st.value) + 6), y: y + 18, class: 'val' }, fmtStat(st)));
          })));
    }
    var changes = items.length - levels.length;
    parts.push(h('figcaption', null, pts.length + ' có mốc thời gian · ' + undated.length + ' không rõ thời điểm' +
      (changes ? ' · ' + changes + ' khác chỉ có trong bảng' : '') + '. Hình rỗng hoặc nhạt: con số ước lượng (khoảng, hơn, gần…).'));
    return h('figure', null, parts);
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    var e = Math.pow(10, Math.floor(Math.log10(v)));
    var f = v / e;
    var n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 4 ? 4 : f <= 5 ? 5 : f <= 8 ? 8 : 10;
    return n * e;
  }

  function viewNotFound(r) {
    return {
      el: h('section', { class: 'view' }, heading('Không có trang này'),
        h('p', null, 'Địa chỉ ', h('code', null, location.hash), ' không ứng với mục nào. ', h('a', { href: '#/' }, 'Về trang đầu'), '.')),
      title: 'Không có trang này', update: function () {}
    };
  }

  var VIEWS = { search: viewSearch, timeline: viewTimeline, projects: viewProjects, stats: viewStats, doc: viewDoc };

  /* ---------- start ---------- */
  function start() {
    alertBox = $('#alert');
    statusBox = $('#status');
    main = $('#main');
    searchBox = setupSearchBox();
    $('#skip').addEventListener('click', function (e) { e.preventDefault(); main.focus(); });
    var apiBase = $('#api-base');
    apiBase.textContent = API ? ' · máy chủ ' + API : '';
    if (API) $('#api-link').setAttribute('href', API + '/openapi.json');
    window.addEventListener('hashchange', route);
    if (!location.hash || location.hash === '#') history.replaceState(null, '', location.pathname + location.search + '#/');
    route();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
