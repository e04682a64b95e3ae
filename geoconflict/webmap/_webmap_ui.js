/* geoconflict map runtime, part 1: DOM helpers and map controls (title, legend,
 * measure, fullscreen, time slider), shared by the layer code in _webmap.js.
 *
 * Safety rule: every string that comes from data reaches the page through textContent,
 * setAttribute or a checked href, never innerHTML; the only markup inserted as HTML is
 * the project's own SVG symbols.
 */
window.GeoconflictUI = (function () {
  'use strict';
  var DAY_MS = 86400000;

  function escHtml(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function dayString(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function safeUrl(u) {
    return typeof u === 'string' && /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
  }

  /* A popup or tooltip body: a heading and label/value rows, all as text nodes. */
  function card(title, rows, compact) {
    var box = el('div', compact ? 'gc-card gc-card-compact' : 'gc-card');
    if (title) { box.appendChild(el('div', 'gc-card-title', title)); }
    var table = el('table');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (r[1] === null || r[1] === undefined || r[1] === '') { continue; }
      var tr = el('tr');
      tr.appendChild(el('th', null, r[0]));
      var td = el('td');
      var href = r[2] === 'url' ? safeUrl(r[1]) : null;
      if (href) {
        var a = el('a', null, r[1]);
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        td.appendChild(a);
      } else {
        td.textContent = String(r[1]);
      }
      tr.appendChild(td);
      table.appendChild(tr);
    }
    box.appendChild(table);
    return box;
  }

  /* Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula), metres. */
  function vincenty(lat1, lon1, lat2, lon2) {
    var a = 6378137, f = 1 / 298.257223563, b = a * (1 - f), rad = Math.PI / 180;
    var L1 = (lon2 - lon1) * rad, U1 = Math.atan((1 - f) * Math.tan(lat1 * rad));
    var U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lam = L1, lamP, iter = 100, sinS, cosS, sig, sinA, cos2A, cos2SM, C;
    do {
      var sinL = Math.sin(lam), cosL = Math.cos(lam);
      sinS = Math.sqrt(Math.pow(cosU2 * sinL, 2) +
        Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosL, 2));
      if (sinS === 0) { return 0; }
      cosS = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
      sig = Math.atan2(sinS, cosS);
      sinA = cosU1 * cosU2 * sinL / sinS;
      cos2A = 1 - sinA * sinA;
      cos2SM = cos2A ? cosS - 2 * sinU1 * sinU2 / cos2A : 0;
      C = f / 16 * cos2A * (4 + f * (4 - 3 * cos2A));
      lamP = lam;
      lam = L1 + (1 - C) * f * sinA *
        (sig + C * sinS * (cos2SM + C * cosS * (-1 + 2 * cos2SM * cos2SM)));
    } while (Math.abs(lam - lamP) > 1e-12 && --iter > 0);
    if (iter === 0) {  // nearly antipodal: fall back to the sphere
      return L.CRS.Earth.distance(L.latLng(lat1, lon1), L.latLng(lat2, lon2));
    }
    var u2 = cos2A * (a * a - b * b) / (b * b);
    var A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    var B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    var dS = B * sinS * (cos2SM + B / 4 * (cosS * (-1 + 2 * cos2SM * cos2SM) -
      B / 6 * cos2SM * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2SM * cos2SM)));
    return b * A * (sig - dS);
  }

  function fmtDistance(m) {
    var km = m / 1000;
    return (km < 10 ? km.toFixed(2) : km.toFixed(1)) + ' km (' + (m / 1852).toFixed(1) + ' nmi)';
  }

  var ICONS = {
    fullscreen: '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" ' +
      'stroke="#222" stroke-width="2"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5"/></svg>',
    measure: '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" fill="none" ' +
      'stroke="#222" stroke-width="1.5"><rect x="1" y="6" width="16" height="6"/>' +
      '<path d="M4 6v3M7 6v2M10 6v3M13 6v2"/></svg>'
  };

  function button(container, label, title, onClick, svg) {
    var b = el('a', 'gc-button', svg ? null : label);
    if (svg) { b.innerHTML = svg; }  // project-drawn symbol, not data
    b.href = '#';
    b.title = title;
    b.setAttribute('role', 'button');
    b.setAttribute('aria-label', title);
    L.DomEvent.on(b, 'click', function (e) { L.DomEvent.preventDefault(e); onClick(b); });
    L.DomEvent.disableClickPropagation(b);
    container.appendChild(b);
    return b;
  }

  function addFullscreen(map) {
    var ctl = L.control({ position: 'topleft' });
    ctl.onAdd = function () {
      var box = el('div', 'leaflet-bar gc-fullscreen-control');
      button(box, '', 'Full screen', function () {
        var c = map.getContainer();
        var doc = document;
        if (doc.fullscreenElement) {
          doc.exitFullscreen();
        } else if (c.requestFullscreen && !L.DomUtil.hasClass(c, 'gc-fullscreen')) {
          c.requestFullscreen().catch(function () { L.DomUtil.addClass(c, 'gc-fullscreen'); });
        } else if (L.DomUtil.hasClass(c, 'gc-fullscreen')) {
          L.DomUtil.removeClass(c, 'gc-fullscreen');
        } else {
          L.DomUtil.addClass(c, 'gc-fullscreen');
        }
        setTimeout(function () { map.invalidateSize(); }, 200);
      }, ICONS.fullscreen);
      return box;
    };
    ctl.addTo(map);
  }

  function addMeasure(map) {
    var ctl = L.control({ position: 'topleft' });
    var active = false, pts = [], line = null, marks = L.layerGroup(), readout;
    function update() {
      var total = 0;
      for (var i = 1; i < pts.length; i++) {
        total += vincenty(pts[i - 1].lat, pts[i - 1].lng, pts[i].lat, pts[i].lng);
      }
      readout.textContent = pts.length < 2 ? 'Click points on the map' : fmtDistance(total);
      readout.setAttribute('data-metres', String(total));
    }
    function onClick(e) {
      pts.push(e.latlng);
      L.circleMarker(e.latlng, { radius: 3, color: '#000', weight: 1, fillOpacity: 1,
        interactive: false }).addTo(marks);
      if (line) { line.setLatLngs(pts); } else {
        line = L.polyline(pts, { color: '#000', weight: 2, dashArray: '6 4',
          interactive: false }).addTo(marks);
      }
      update();
    }
    ctl.onAdd = function () {
      var box = el('div', 'leaflet-bar gc-measure-control');
      readout = el('div', 'gc-measure-readout');
      readout.style.display = 'none';
      button(box, '', 'Measure a geodesic distance (WGS84)', function (b) {
        active = !active;
        L.DomUtil[active ? 'addClass' : 'removeClass'](b, 'gc-active');
        L.DomUtil[active ? 'addClass' : 'removeClass'](map.getContainer(), 'gc-measuring');
        pts = [];
        line = null;
        marks.clearLayers();
        readout.style.display = active ? 'block' : 'none';
        if (active) { marks.addTo(map); map.on('click', onClick); update(); } else {
          map.off('click', onClick);
          marks.remove();
        }
      }, ICONS.measure);
      box.appendChild(readout);
      return box;
    };
    ctl.addTo(map);
    return { add: function (lat, lng) { onClick({ latlng: L.latLng(lat, lng) }); } };
  }

  function addTitle(map, spec) {
    if (!spec.title && !spec.subtitle && !spec.dataDate) { return; }
    var box = el('div', 'gc-title');
    if (spec.title) { box.appendChild(el('div', 'gc-title-main', spec.title)); }
    if (spec.subtitle) { box.appendChild(el('div', 'gc-title-sub', spec.subtitle)); }
    if (spec.dataDate) { box.appendChild(el('div', 'gc-title-date', spec.dataDate)); }
    L.DomEvent.disableClickPropagation(box);
    map.getContainer().appendChild(box);
  }

  function legendRow(list, swatchHtml, label, extra) {
    var row = el('div', 'gc-legend-row');
    var sw = el('span', 'gc-swatch');
    if (typeof swatchHtml === 'string') { sw.innerHTML = swatchHtml; } else { sw.appendChild(swatchHtml); }
    row.appendChild(sw);
    row.appendChild(el('span', 'gc-legend-label', label));
    if (extra) { row.appendChild(el('span', 'gc-legend-count', extra)); }
    list.appendChild(row);
    return row;
  }

  function colourBox(colour, outline) {
    var b = el('span', outline ? 'gc-box gc-box-outline' : 'gc-box');
    if (outline) { b.style.borderColor = colour; } else { b.style.background = colour; }
    return b;
  }

  /* The legend: a toggle button (a real <button>, so Enter and Space work; state in
   * aria-expanded) over the sections. Returns { set(collapsed), collapsed() }. */
  function addLegend(map, spec) {
    var ctl = L.control({ position: 'bottomright' });
    var api = { set: function () {}, collapsed: function () { return false; } };
    ctl.onAdd = function () {
      var box = el('div', 'gc-legend leaflet-control');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var toggle = el('button', 'gc-legend-toggle');
      toggle.type = 'button';
      toggle.appendChild(el('span', 'gc-legend-toggle-label', 'Legend'));
      var arrow = el('span', 'gc-legend-arrow');
      arrow.setAttribute('aria-hidden', 'true');
      toggle.appendChild(arrow);
      var body = el('div', 'gc-legend-body');
      body.id = spec.id + '-legend';
      toggle.setAttribute('aria-controls', body.id);
      box.appendChild(toggle);
      box.appendChild(body);
      var sections = spec.legend;
      for (var s = 0; s < sections.length; s++) {
        var sec = sections[s];
        body.appendChild(el('div', 'gc-legend-head', sec.title));
        for (var i = 0; i < sec.rows.length; i++) {
          var r = sec.rows[i];
          var sw = r.svg !== undefined ? r.svg : colourBox(r.color, r.outline);
          legendRow(body, sw, r.label, r.extra);
        }
        if (sec.note) { body.appendChild(el('div', 'gc-legend-note', sec.note)); }
      }
      function set(collapsed) {
        body.hidden = !!collapsed;
        toggle.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
        toggle.title = collapsed ? 'Show the legend' : 'Hide the legend';
        arrow.textContent = collapsed ? '\u25B8' : '\u25BE';
        L.DomUtil[collapsed ? 'addClass' : 'removeClass'](box, 'gc-legend-collapsed');
      }
      L.DomEvent.on(toggle, 'click', function (e) {
        L.DomEvent.preventDefault(e);
        set(!body.hidden);
      });
      api.set = set;
      api.collapsed = function () { return body.hidden; };
      set(false);
      return box;
    };
    if (spec.legend.length) { ctl.addTo(map); }
    return api;
  }

  /* Insets [left, top, right, bottom] in container pixels such that the rectangle inside
   * them overlaps no control (title, legend, buttons, scale bar, attribution): for each
   * control in the way, one side is pushed past it, choosing the sides that show the
   * data box (`bounds`) at the largest scale. `edge`: inset at the map's edges; `gap`:
   * room kept between a control and the data (incident symbols reach ~16 px). */
  function fitPadding(map, bounds, edge, gap) {
    var c = map.getContainer(), cr = c.getBoundingClientRect(), W = cr.width, H = cr.height;
    var boxes = [], found = c.querySelectorAll('.leaflet-control, .gc-title');
    for (var i = 0; i < found.length; i++) {
      var r = found[i].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        boxes.push([r.left - cr.left, r.top - cr.top, r.right - cr.left, r.bottom - cr.top]);
      }
    }
    function area(b) { return (b[2] - b[0]) * (b[3] - b[1]); }
    boxes.sort(function (a, b) { return area(b) - area(a); });  // big ones branch first
    var p1 = map.project(bounds.getNorthWest(), 0), p2 = map.project(bounds.getSouthEast(), 0);
    var dw = Math.max(Math.abs(p2.x - p1.x), 1e-9), dh = Math.max(Math.abs(p2.y - p1.y), 1e-9);
    var best = null;
    function search(k, ins) {
      var w = W - ins[0] - ins[2], h = H - ins[1] - ins[3];
      if (w < 8 || h < 8) { return; }
      if (k === boxes.length) {
        var scale = Math.min(w / dw, h / dh), area = w * h;
        if (!best || scale > best.scale * 1.001 ||
            (scale > best.scale * 0.999 && area > best.area)) {
          best = { scale: scale, area: area, ins: ins };
        }
        return;
      }
      var b = boxes[k];
      if (b[0] >= W - ins[2] || b[2] <= ins[0] || b[1] >= H - ins[3] || b[3] <= ins[1]) {
        search(k + 1, ins);  // already clear of this control
        return;
      }
      var push = [b[2] + gap, b[3] + gap, W - b[0] + gap, H - b[1] + gap];
      for (var side = 0; side < 4; side++) {
        var next = ins.slice();
        next[side] = Math.max(next[side], push[side]);
        search(k + 1, next);
      }
    }
    search(0, [edge, edge, edge, edge]);
    return best ? { padding: best.ins, scale: best.scale } : null;
  }

  // Popups scroll when long and pan clear of the title box at the top of the map.
  // filterTo(state, spec, cutoffDay) shows incidents up to a day and returns how many.
  function addTimeline(map, spec, state, filterTo) {
    var days = spec.incidents.days;
    if (!days.length) { return; }
    var ctl = L.control({ position: 'bottomleft' });
    ctl.onAdd = function () {
      var box = el('div', 'gc-timeline leaflet-control');
      L.DomEvent.disableClickPropagation(box);
      var label = el('div', 'gc-timeline-label');
      var input = el('input');
      input.type = 'range';
      input.min = '0';
      input.max = String(days.length - 1);
      input.step = '1';
      input.value = String(days.length - 1);
      input.setAttribute('aria-label', 'Show incidents up to this date');
      var timer = null;
      function apply() {
        var cutoff = days[Number(input.value)];
        var shown = filterTo(state, spec, cutoff);
        label.textContent = 'Up to ' + dayString(spec.incidents.day0 + cutoff) + ': ' + shown + ' of ' +
          spec.incidents.lat.length + ' incidents';
      }
      input.addEventListener('input', apply);
      var play = button(box, '\u25B6', 'Play through the dates', function () {
        if (timer) { clearInterval(timer); timer = null; play.textContent = '\u25B6'; return; }
        if (Number(input.value) >= days.length - 1) { input.value = '0'; apply(); }
        play.textContent = '\u275A\u275A';
        timer = setInterval(function () {
          if (Number(input.value) >= days.length - 1) {
            clearInterval(timer); timer = null; play.textContent = '\u25B6'; return;
          }
          input.value = String(Number(input.value) + 1);
          apply();
        }, 700);
      });
      box.appendChild(input);
      box.appendChild(label);
      state.setDay = function (k) { input.value = String(k); apply(); };
      apply();
      return box;
    };
    ctl.addTo(map);
  }

  return { escHtml: escHtml, el: el, dayString: dayString, card: card, vincenty: vincenty,
    fmtDistance: fmtDistance, addFullscreen: addFullscreen, addMeasure: addMeasure,
    addTitle: addTitle, addLegend: addLegend, addTimeline: addTimeline,
    fitPadding: fitPadding };
}());
