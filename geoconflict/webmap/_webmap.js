/* geoconflict map runtime: draws one map from a JSON spec produced by geoconflict.webmap.
 *
 * Safety rule: every string that comes from data reaches the page through textContent,
 * setAttribute or a checked href, never innerHTML. The only markup inserted as HTML is
 * the project's own SVG symbols and Leaflet layer-control labels, which are escaped
 * here (Leaflet renders those labels with innerHTML).
 */
window.GeoconflictMap = (function () {
  'use strict';
  var U = window.GeoconflictUI;
  var el = U.el, card = U.card, escHtml = U.escHtml, dayString = U.dayString;
  var fmtDistance = U.fmtDistance;
  var maps = {};

  /* CircleMarker drawn as a project shape (unit-radius polygon) on a canvas renderer. */
  var ShapeMarker = L.CircleMarker.extend({
    _updatePath: function () {
      var R = this._renderer, verts = this.options.verts;
      if (!verts || !verts.length || !(R instanceof L.Canvas)) {
        return L.CircleMarker.prototype._updatePath.call(this);
      }
      if (!R._drawing || this._empty()) { return; }
      var p = this._point, ctx = R._ctx, r = Math.max(Math.round(this._radius), 1);
      ctx.beginPath();
      for (var i = 0; i < verts.length; i++) {
        ctx[i ? 'lineTo' : 'moveTo'](p.x + verts[i][0] * r, p.y + verts[i][1] * r);
      }
      ctx.closePath();
      R._fillStroke(ctx, this);
    }
  });

  var POPUP = { maxWidth: 340, maxHeight: 320, autoPanPaddingTopLeft: L.point(40, 110) };
  var EARTH_CIRCUMFERENCE_M = 40075016.686;  // of the Web Mercator sphere
  var sprites = {};

  /* A small canvas holding one symbol (shape, colour, radius), drawn once per page.
   * Opaque sprites (for the pixel blitter) also keep their pixels as typed arrays. */
  function sprite(type, verts, radius, dpr, opaque) {
    var r = radius, key = type.shape + type.color + r + '@' + dpr + (opaque ? 'o' : '');
    var s = sprites[key];
    if (s) { return s; }
    var size = Math.ceil(2 * r + 3);
    s = document.createElement('canvas');
    s.width = Math.ceil(size * dpr);
    s.height = Math.ceil(size * dpr);
    var c = s.getContext('2d', { willReadFrequently: true }), m = size / 2;
    c.scale(dpr, dpr);
    c.beginPath();
    if (!verts.length) { c.arc(m, m, r, 0, 2 * Math.PI); } else {
      for (var v = 0; v < verts.length; v++) {
        c[v ? 'lineTo' : 'moveTo'](m + verts[v][0] * r, m + verts[v][1] * r);
      }
      c.closePath();
    }
    c.globalAlpha = opaque ? 1 : 0.85;
    c.fillStyle = type.color;
    c.fill();
    c.globalAlpha = 1;
    c.lineWidth = 0.8;
    c.strokeStyle = '#222';
    c.stroke();
    s.size = size;
    s.half = m;
    if (opaque) {
      var data = c.getImageData(0, 0, s.width, s.height).data;
      s.data8 = data;
      s.data32 = new Uint32Array(data.buffer);
    }
    sprites[key] = s;
    return s;
  }

  /* Copy a sprite's pixels into an RGBA buffer: opaque pixels (and any pixel over an
   * empty one) are written, anti-aliased edge pixels blended (source-over). Only the
   * sprite's non-empty pixels are visited. Assumes a little-endian platform (alpha in
   * the high byte), as every browser platform is. */
  function blit(d8, d32, W, H, s, x0, y0) {
    if (!s.xs) {
      var xs = [], ys = [], vs = [];
      for (var k = 0; k < s.data32.length; k++) {
        if (s.data32[k] >>> 24) {
          xs.push(k % s.width);
          ys.push((k / s.width) | 0);
          vs.push(k);
        }
      }
      s.xs = Int32Array.from(xs);
      s.ys = Int32Array.from(ys);
      s.ks = Int32Array.from(vs);
    }
    var src = s.data32, a8 = s.data8, n = s.xs.length;
    var inside = x0 >= 0 && y0 >= 0 && x0 + s.width <= W && y0 + s.height <= H;
    for (var j = 0; j < n; j++) {
      var x = x0 + s.xs[j], y = y0 + s.ys[j];
      if (!inside && (x < 0 || y < 0 || x >= W || y >= H)) { continue; }
      var q = s.ks[j], v = src[q], sa = v >>> 24, di = y * W + x, p = di << 2;
      if (sa === 255 || d8[p + 3] === 0) { d32[di] = v; continue; }
      q <<= 2;
      var fa = sa / 255, ba = d8[p + 3] / 255 * (1 - fa), oa = fa + ba;
      d8[p] = (a8[q] * fa + d8[p] * ba) / oa;
      d8[p + 1] = (a8[q + 1] * fa + d8[p + 1] * ba) / oa;
      d8[p + 2] = (a8[q + 2] * fa + d8[p + 2] * ba) / oa;
      d8[p + 3] = oa * 255;
    }
  }

  /* All incidents on one canvas: projected once at zoom 0, redrawn after each move, with
   * one fill per event type, and hit-tested through a screen grid. One Leaflet object per
   * incident (folium's way) costs ~0.1 ms each; this draws 100,000 in tens of ms. */
  var PointsLayer = L.Layer.extend({
    options: { pane: 'gcIncidents' },
    initialize: function (st, mode) { this._st = st; this._mode = mode; this.drawn = 0; },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'gc-points gc-' + this._mode + ' leaflet-zoom-hide');
      this.getPane().appendChild(this._canvas);
      map.on('moveend viewreset resize', this.redraw, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend viewreset resize', this.redraw, this);
      this._grid = null;
      this.drawn = 0;
    },
    redraw: function () {
      var map = this._map;
      if (!map) { return; }
      var st = this._st, inc = st.spec.incidents, n = inc.lat.length;
      var size = map.getSize(), dpr = window.devicePixelRatio || 1, c = this._canvas;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(c, topLeft);
      c.width = Math.round(size.x * dpr);
      c.height = Math.round(size.y * dpr);
      c.style.width = size.x + 'px';
      c.style.height = size.y + 'px';
      var ctx = c.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      var z = map.getZoom(), k = Math.pow(2, z), origin = map.getPixelOrigin();
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
      var px = st.px, py = st.py, vis = st.visible, types = st.spec.types;
      var shapes = st.spec.shapes;
      var circles = this._mode === 'circles', pad = circles ? 2000 : 20;
      var grid = circles ? null : {}, cell = 24, drawn = 0;
      var order = [];
      for (var i = 0; i < n; i++) {
        if (!vis[i]) { continue; }
        if (circles && !(inc.prec[i] >= 2 && inc.unc[i] > 0)) { continue; }
        var x = px[i] * k - ox, y = py[i] * k - oy;
        if (x < -pad || y < -pad || x > size.x + pad || y > size.y + pad) { continue; }
        order.push(i);
      }
      if (circles) {
        // Dashed outlines, one style per type; paths are flushed every 200 circles,
        // because one path with thousands of overlapping sub-paths makes the
        // rasteriser's winding computation quadratic.
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1;
        for (var t = 0; t < types.length; t++) {
          ctx.fillStyle = types[t].color;
          ctx.strokeStyle = types[t].color;
          ctx.beginPath();
          for (var j = 0; j < order.length; j++) {
            i = order[j];
            if (inc.type[i] !== t) { continue; }
            var mpp = EARTH_CIRCUMFERENCE_M * Math.cos(inc.lat[i] * Math.PI / 180) / (256 * k);
            var r = inc.unc[i] / mpp;
            if (r < 3) { continue; }
            x = px[i] * k - ox;
            y = py[i] * k - oy;
            ctx.moveTo(x + r, y);
            ctx.arc(x, y, r, 0, 2 * Math.PI);
            if (++drawn % 200 === 0) { this._paint(ctx); ctx.beginPath(); }
          }
          this._paint(ctx);
        }
      }
      // Symbols are stamped from pre-drawn sprites, in data order (oldest first, so the
      // latest incidents are on top). Many symbols: pixels written into one buffer (about
      // 4x faster than as many drawImage calls), and symbols shrink so dense areas stay
      // readable; few: drawImage keeps overlapping symbols translucent.
      var pixels = !circles && order.length > 20000, img = null, d8 = null, d32 = null;
      var scale = circles ? 1 : Math.max(0.5, Math.min(1, Math.sqrt(20000 / order.length)));
      if (pixels) {
        img = ctx.createImageData(c.width, c.height);
        d8 = img.data;
        d32 = new Uint32Array(d8.buffer);
      }
      var cache = {}, one = dpr === 1;
      for (j = 0; j < order.length && !circles; j++) {
        i = order[j];
        x = px[i] * k - ox;
        y = py[i] * k - oy;
        var ti = inc.type[i], r2 = (st.radius[i] * scale * 2 + 0.5) | 0, ck = ti * 256 + r2;
        var spr = cache[ck] || (cache[ck] = sprite(types[ti], shapes[types[ti].shape], r2 / 2,
          dpr, pixels));
        if (pixels) {
          blit(d8, d32, c.width, c.height, spr, Math.round((x - spr.half) * dpr),
            Math.round((y - spr.half) * dpr));
        } else if (one) {  // the 3-argument form copies without scaling: the fast path
          ctx.drawImage(spr, (x - spr.half + 0.5) | 0, (y - spr.half + 0.5) | 0);
        } else {
          ctx.drawImage(spr, Math.round(x - spr.half), Math.round(y - spr.half), spr.size,
            spr.size);
        }
        var key = Math.floor(x / cell) * 4096 + Math.floor(y / cell);
        (grid[key] || (grid[key] = [])).push(i);
        drawn++;
      }
      this._scale = scale;
      if (pixels) { ctx.putImageData(img, 0, 0); }
      this._grid = grid;
      this._ox = ox;
      this._oy = oy;
      this._k = k;
      this.drawn = drawn;
    },
    _paint: function (ctx) {
      ctx.globalAlpha = 0.06;
      ctx.fill('nonzero');
      ctx.globalAlpha = 0.8;
      ctx.stroke();
    },
    /* The incident under a container point, or -1. */
    hit: function (cp) {
      if (!this._grid) { return -1; }
      var st = this._st, best = -1, bestD = Infinity, cell = 24;
      var gx = Math.floor(cp.x / cell), gy = Math.floor(cp.y / cell);
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var list = this._grid[(gx + dx) * 4096 + (gy + dy)];
          if (!list) { continue; }
          for (var j = 0; j < list.length; j++) {
            var i = list[j];
            var x = st.px[i] * this._k - this._ox - cp.x, y = st.py[i] * this._k - this._oy - cp.y;
            var d = Math.sqrt(x * x + y * y);
            if (d <= st.radius[i] * this._scale + 3 && d < bestD) { best = i; bestD = d; }
          }
        }
      }
      return best;
    }
  });

  /* Encoded polyline (geoconflict/_polyline.py: lon/lat pairs, delta-coded, 10^-digits)
   * -> [[lat, lon], ...] for Leaflet. */
  function decodeLine(str, digits) {
    var f = Math.pow(10, -digits), out = [], i = 0, n = str.length, x = 0, y = 0;
    while (i < n) {
      var v = [0, 0];
      for (var c = 0; c < 2; c++) {
        var shift = 0, result = 0, b;
        do {
          b = str.charCodeAt(i++) - 63;
          result |= (b & 31) << shift;
          shift += 5;
        } while (b >= 32 && i < n);
        v[c] = (result & 1) ? ~(result >> 1) : (result >> 1);
      }
      x += v[0];
      y += v[1];
      out.push([y * f, x * f]);
    }
    return out;
  }

  /* The offline basemap: per level (the coarse backdrop first), unstroked country fills,
   * the lakes in the water colour, and one outline path (coasts and borders, each shared
   * border once), so the clip box of the detailed level never shows as a line. */
  function basemapLayer(bm, tiles) {
    var group = L.featureGroup();
    for (var l = 0; l < bm.layers.length; l++) {
      var lay = bm.layers[l], d = lay.digits;
      for (var f = 0; f < lay.features.length; f++) {
        var polys = lay.features[f].p, ll = [];
        for (var p = 0; p < polys.length; p++) {
          var rings = [];
          for (var r = 0; r < polys[p].length; r++) { rings.push(decodeLine(polys[p][r], d)); }
          ll.push(rings);
        }
        group.addLayer(L.polygon(ll, { pane: 'gcBasemap', interactive: false, noClip: true,
          stroke: false, fillColor: '#f4f1ea', fillOpacity: tiles ? 0 : 1,
          className: 'gc-country' }));
      }
      var lakes = lay.lakes || [], water = [];
      for (var q = 0; q < lakes.length; q++) {
        var lr = [];
        for (var s = 0; s < lakes[q].length; s++) { lr.push(decodeLine(lakes[q][s], d)); }
        water.push(lr);
      }
      if (water.length) {
        group.addLayer(L.polygon(water, { pane: 'gcBasemap', interactive: false, noClip: true,
          stroke: false, fillColor: '#cfe0ec', fillOpacity: tiles ? 0 : 1,
          className: 'gc-lake' }));
      }
      var lines = [];
      for (var k = 0; k < lay.lines.length; k++) { lines.push(decodeLine(lay.lines[k], d)); }
      if (lines.length) {
        group.addLayer(L.polyline(lines, { pane: 'gcBasemap', interactive: false,
          noClip: true, color: '#8a8a8a', weight: 0.8, className: 'gc-border' }));
      }
    }
    return group;
  }

  /* Place labels (capitals, towns, countries; spec.labels, in the order they win) placed
   * greedily at each zoom: first the curated labels shown (sites, deployments: a curated
   * label touching an earlier one is hidden), then each place label whose box (dot and
   * text, plus a gap) touches no label placed before it. So no two labels overlap.
   * A label never goes under the map's own boxes (title, legend, buttons, scale bar,
   * attribution), where it could not be read; and its text goes to the left of its dot
   * when the right side would cover the symbol of an incident, deployment or site and
   * the left side would not. */
  var LABEL_FONTS = ['bold 12px "DejaVu Sans", "Noto Sans", Verdana, sans-serif',
    '600 11px "DejaVu Sans", "Noto Sans", Verdana, sans-serif',
    'italic 12px "DejaVu Sans", "Noto Sans", Verdana, sans-serif',
    '11px "DejaVu Sans", "Noto Sans", Verdana, sans-serif'];
  var LABEL_H = 14, LABEL_GAP = 3, COUNTRY_MAX_ZOOM = 7;

  function BoxGrid() { this.cells = {}; }
  BoxGrid.prototype.each = function (b, fn) {
    var c = 64;
    for (var gx = Math.floor(b[0] / c); gx <= Math.floor(b[2] / c); gx++) {
      for (var gy = Math.floor(b[1] / c); gy <= Math.floor(b[3] / c); gy++) {
        if (fn(gx + ',' + gy)) { return true; }
      }
    }
    return false;
  };
  /* Whether box `b` touches a box of the grid; with (x, y, tol), boxes centred within
   * `tol` pixels of (x, y) (the symbols of the labelled place itself) do not count. */
  BoxGrid.prototype.hits = function (b, x, y, tol) {
    var cells = this.cells, skip = tol !== undefined;
    return this.each(b, function (key) {
      var list = cells[key];
      if (!list) { return false; }
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (skip && Math.abs((o[0] + o[2]) / 2 - x) <= tol &&
            Math.abs((o[1] + o[3]) / 2 - y) <= tol) { continue; }
        if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) { return true; }
      }
      return false;
    });
  };
  BoxGrid.prototype.add = function (b) {
    var cells = this.cells;
    this.each(b, function (key) { (cells[key] || (cells[key] = [])).push(b); return false; });
  };

  var LabelLayer = L.Layer.extend({
    options: { pane: 'gcLabels' },
    initialize: function (spec, state) {
      var lab = spec.labels, n = lab.name.length;
      this._lab = lab;
      this._state = state;
      this._px = new Float64Array(n);
      this._py = new Float64Array(n);
      this._w = new Float32Array(n);
      this._text = [];
      var ctx = document.createElement('canvas').getContext('2d'), maxLat = 85.0511287798;
      for (var i = 0; i < n; i++) {
        var phi = Math.max(Math.min(lab.lat[i], maxLat), -maxLat) * Math.PI / 180;
        this._px[i] = (lab.lon[i] + 180) / 360 * 256;
        this._py[i] = (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * 256;
        var t = lab.kind[i] === 2 ? String(lab.name[i]).toUpperCase() : String(lab.name[i]);
        this._text.push(t);
        ctx.font = LABEL_FONTS[lab.kind[i]];
        this._w[i] = Math.ceil(ctx.measureText(t).width) + 2;
      }
      this.placed = [];
    },
    onAdd: function (map) {
      this._box = L.DomUtil.create('div', 'gc-labels leaflet-zoom-hide', this.getPane());
      map.on('zoomend viewreset', this.layout, this);
      map.on('overlayadd overlayremove', this.relayout, this);
      this.relayout();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._box);
      map.off('zoomend viewreset', this.layout, this);
      map.off('overlayadd overlayremove', this.relayout, this);
      // the curated labels this layer hid show again
      var hidden = map.getContainer().querySelectorAll('.gc-label-hidden');
      for (var i = 0; i < hidden.length; i++) { L.DomUtil.removeClass(hidden[i], 'gc-label-hidden'); }
      this.placed = [];
      this._key = null;
    },
    relayout: function () { this._key = null; this.layout(); },
    /* The curated labels on show, in page order; those touching an earlier one hidden. */
    _curated: function (grid, origin) {
      var map = this._map, c = map.getContainer(), cr = c.getBoundingClientRect();
      var els = c.querySelectorAll('.leaflet-tooltip.gc-label');
      for (var i = 0; i < els.length; i++) { L.DomUtil.removeClass(els[i], 'gc-label-hidden'); }
      for (i = 0; i < els.length; i++) {
        var r = els[i].getBoundingClientRect();
        if (!r.width || !r.height) { continue; }
        var p = map.containerPointToLayerPoint([r.left - cr.left, r.top - cr.top]).add(origin);
        var b = [p.x - LABEL_GAP, p.y - LABEL_GAP, p.x + r.width + LABEL_GAP,
          p.y + r.height + LABEL_GAP];
        if (grid.hits(b)) { L.DomUtil.addClass(els[i], 'gc-label-hidden'); } else { grid.add(b); }
      }
    },
    /* Boxes, in layer pixels, that labels avoid: the map's controls (`hard`, never
     * covered) and the symbols on show (`soft`, covered only when no side is free). */
    _obstacles: function (origin) {
      var map = this._map, c = map.getContainer(), cr = c.getBoundingClientRect();
      var hard = new BoxGrid(), soft = new BoxGrid(), i, r;
      function layerBox(rect) {
        var p = map.containerPointToLayerPoint([rect.left - cr.left, rect.top - cr.top])
          .add(origin);
        return [p.x, p.y, p.x + rect.width, p.y + rect.height];
      }
      var controls = c.querySelectorAll('.leaflet-control, .gc-title');
      for (i = 0; i < controls.length; i++) {
        r = controls[i].getBoundingClientRect();
        if (r.width && r.height) { hard.add(layerBox(r)); }
      }
      var icons = c.querySelectorAll('.leaflet-marker-icon');
      for (i = 0; i < icons.length; i++) {
        r = icons[i].getBoundingClientRect();
        if (r.width && r.height) { soft.add(layerBox(r)); }
      }
      var st = this._state;
      if (st && st.px && st.group && map.hasLayer(st.group)) {
        var k = Math.pow(2, map.getZoom()), view = map.getPixelBounds(), m = 40;
        for (i = 0; i < st.px.length; i++) {
          if (!st.visible[i]) { continue; }
          var x = st.px[i] * k, y = st.py[i] * k, rad = st.radius[i];
          if (x < view.min.x - m || x > view.max.x + m || y < view.min.y - m ||
              y > view.max.y + m) { continue; }
          soft.add([x - rad, y - rad, x + rad, y + rad]);
        }
      }
      return { hard: hard, soft: soft };
    },
    layout: function () {
      var map = this._map;
      if (!map || !this._box) { return; }
      var z = map.getZoom(), origin = map.getPixelOrigin(), key = z + ':' + origin.x + ':' + origin.y;
      if (key === this._key) { return; }
      this._key = key;
      var lab = this._lab, n = lab.name.length, k = Math.pow(2, z), grid = new BoxGrid();
      this._curated(grid, origin);
      var avoid = this._obstacles(origin);
      var placed = [], box = this._box;
      while (box.firstChild) { box.removeChild(box.firstChild); }
      for (var i = 0; i < n; i++) {
        var kind = lab.kind[i];
        if (z < lab.zoom[i] || (kind === 2 && z > COUNTRY_MAX_ZOOM)) { continue; }
        var x = this._px[i] * k, y = this._py[i] * k, w = this._w[i], b = null;
        var top = y - LABEL_H / 2 - LABEL_GAP, bottom = y + LABEL_H / 2 + LABEL_GAP;
        var onLeft = false, dot = kind === 1 ? 9 : 5;
        if (kind === 2) {
          b = [x - w / 2 - LABEL_GAP, top, x + w / 2 + LABEL_GAP, bottom];
          if (grid.hits(b) || avoid.hard.hits(b)) { continue; }
        } else {
          // the text to the right of the dot, else to its left; a side that covers a
          // symbol only when neither side is free of them
          var sides = [[x - 3 - LABEL_GAP, top, x + dot + w + LABEL_GAP, bottom],
            [x - dot - w - LABEL_GAP, top, x + 3 + LABEL_GAP, bottom]];
          // the text alone, against the symbols of other places than this one
          var texts = [[x + dot, top, x + dot + w, bottom], [x - dot - w, top, x - dot, bottom]];
          var free = [], s;
          for (s = 0; s < 2; s++) {
            free.push(!grid.hits(sides[s]) && !avoid.hard.hits(sides[s]));
          }
          for (s = 0; s < 2 && b === null; s++) {
            if (free[s] && !avoid.soft.hits(texts[s], x, y, 3)) {
              b = sides[s];
              onLeft = s === 1;
            }
          }
          if (b === null && free[0]) { b = sides[0]; }
          if (b === null) { continue; }
        }
        grid.add(b);
        placed.push(i);
        var node = el('div', 'gc-place gc-place-' + kind + (onLeft ? ' gc-place-left' : ''));
        var text = el('span', 'gc-place-text', this._text[i]);
        text.style.font = LABEL_FONTS[kind];
        text.style.lineHeight = LABEL_H + 'px';
        if (onLeft) { node.appendChild(text); }
        if (kind !== 2) { node.appendChild(el('span', 'gc-place-dot')); }
        if (!onLeft) { node.appendChild(text); }
        var left = kind === 2 ? x - w / 2 : (onLeft ? x - dot - w + 3 : x - 3);
        L.DomUtil.setPosition(node, L.point(Math.round(left - origin.x),
          Math.round(y - LABEL_H / 2 - origin.y)));
        box.appendChild(node);
      }
      this.placed = placed;
    }
  });

  function incidentLayer(map, spec, control, state) {
    var inc = spec.incidents, opts = spec.options, n = inc.lat.length;
    var cols = inc.text, types = spec.types;
    state.visible = new Uint8Array(n);
    state.px = new Float64Array(n);
    state.py = new Float64Array(n);
    state.radius = new Float32Array(n);
    var spherical = map.options.crs === L.CRS.EPSG3857, maxLat = 85.0511287798;
    for (var i = 0; i < n; i++) {
      if (spherical) {  // Web Mercator at zoom 0 inline: map.project() allocates per call
        var phi = Math.max(Math.min(inc.lat[i], maxLat), -maxLat) * Math.PI / 180;
        state.px[i] = (inc.lon[i] + 180) / 360 * 256;
        state.py[i] = (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * 256;
      } else {
        var p0 = map.project([inc.lat[i], inc.lon[i]], 0);
        state.px[i] = p0.x;
        state.py[i] = p0.y;
      }
      var f = inc.fat[i];
      state.radius[i] = Math.min(5 + 2.2 * Math.sqrt(f > 0 ? f : 0), 16);
      state.visible[i] = 1;
    }
    function text(col, i) {
      var c = cols[col];
      if (!c) { return null; }
      if (c.v) { return c.v[i]; }
      var k = c.i[i];
      return k < 0 ? null : c.s[k];
    }
    function popupFor(i) {
      var t = types[inc.type[i]];
      var actors = text('actor1', i);
      var a2 = text('actor2', i);
      if (a2) { actors = (actors ? actors + ' \u2013 ' : '') + a2; }
      var where = text('location', i);
      var country = text('country', i);
      if (country) { where = (where ? where + ', ' : '') + country; }
      var prec = inc.prec[i];
      var precText = prec > 0 ? spec.precisionNames[prec] || String(prec) : null;
      if (precText && inc.unc[i] > 0) {
        precText += ' (\u00B1' + fmtDistance(inc.unc[i]).split(' (')[0] + ')';
      }
      var type = t.label + (text('sub_event_type', i) ? ': ' + text('sub_event_type', i) : '');
      return card(type, [
        ['Date', inc.day[i] >= 0 ? dayString(inc.day0 + inc.day[i]) : 'unknown'],
        ['Actors', actors],
        ['Fatalities', inc.fat[i] >= 0 ? String(inc.fat[i]) : 'unknown'],
        ['Location', where],
        ['Precision', precText],
        ['Notes', text('notes', i)],
        ['Source', text('source', i)],
        ['Link', text('source_url', i), 'url'],
        ['Event id', text('event_id', i)]
      ]);
    }
    function tooltipFor(i) {
      var t = types[inc.type[i]];
      var head = (inc.day[i] >= 0 ? dayString(inc.day0 + inc.day[i]) + ' \u00B7 ' : '') + t.label;
      return card(head, [['', text('location', i)]], true);
    }
    state.popupFor = popupFor;
    state.tooltipFor = tooltipFor;
    var tip = L.tooltip({ direction: 'top', offset: [0, -6], opacity: 0.95 });
    function openPopup(i) {
      L.popup(POPUP).setLatLng([inc.lat[i], inc.lon[i]])
        .setContent(popupFor(i)).openOn(map);
    }
    state.openPopup = openPopup;
    var group;
    if (opts.cluster) {
      /* Clustering: one canvas ShapeMarker per incident inside Leaflet.markercluster. */
      var R = L.canvas({ padding: 0.3 });
      state.markers = [];
      for (i = 0; i < n; i++) {
        var m = new ShapeMarker([inc.lat[i], inc.lon[i]], {
          renderer: R, radius: state.radius[i], verts: spec.shapes[types[inc.type[i]].shape],
          color: '#222', weight: 0.8, fillColor: types[inc.type[i]].color, fillOpacity: 0.85
        });
        m.gcIndex = i;
        state.markers.push(m);
      }
      state.pending = true;
      group = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 45,
        disableClusteringAtZoom: 12, spiderfyOnMaxZoom: true,
        chunkProgress: function (done, total) {
          if (done >= total && state.pending) {
            state.pending = false;
            if (state.onSettled) { state.onSettled(); }
          }
        } });
      group.addLayers(state.markers);
      group.on('click', function (e) {
        var mk = e.sourceTarget || e.layer;
        if (mk && mk.gcIndex !== undefined) { openPopup(mk.gcIndex); }
      });
      group.on('mouseover', function (e) {
        var mk = e.sourceTarget || e.layer;
        if (mk && mk.gcIndex !== undefined) {
          tip.setLatLng(mk.getLatLng()).setContent(tooltipFor(mk.gcIndex));
          map.openTooltip(tip);
        }
      });
      group.on('mouseout', function () { map.closeTooltip(tip); });
      state.countDrawn = function () {
        var c = 0;
        group.eachLayer(function () { c++; });
        return c;
      };
    } else {
      group = new PointsLayer(state, 'points');
      var hover = -1;
      map.on('mousemove', function (e) {
        if (!map.hasLayer(group)) { return; }
        var i = group.hit(e.containerPoint);
        if (i === hover) { return; }
        hover = i;
        map.getContainer().style.cursor = i >= 0 ? 'pointer' : '';
        if (i >= 0) {
          tip.setLatLng([inc.lat[i], inc.lon[i]]).setContent(tooltipFor(i));
          map.openTooltip(tip);
        } else {
          map.closeTooltip(tip);
        }
      });
      map.on('click', function (e) {
        if (!map.hasLayer(group) || L.DomUtil.hasClass(map.getContainer(), 'gc-measuring')) {
          return;
        }
        var i = group.hit(e.containerPoint);
        if (i >= 0) { openPopup(i); }
      });
      state.countDrawn = function () { group.redraw(); return group.drawn; };
    }
    state.group = group;
    group.addTo(map);
    control.addOverlay(group, escHtml(spec.names.incidents));
    var hasImprecise = false;
    for (i = 0; i < n && !hasImprecise; i++) { hasImprecise = inc.prec[i] >= 2 && inc.unc[i] > 0; }
    if (opts.uncertainty && hasImprecise) {
      state.circleLayer = new PointsLayer(state, 'circles');
      state.circleLayer.addTo(map);
      control.addOverlay(state.circleLayer, escHtml(spec.names.uncertainty));
    }
    if (opts.heat) {
      state.heat = L.heatLayer(heatPoints(state), { radius: 22, blur: 18, minOpacity: 0.3,
        max: spec.heatMax || 1 });
      state.heat.addTo(map);
      control.addOverlay(state.heat, escHtml(spec.names.heat));
    }
  }

  function heatPoints(state) {
    var inc = state.spec.incidents, pts = [];
    for (var h = 0; h < inc.lat.length; h++) {
      if (state.visible[h]) { pts.push([inc.lat[h], inc.lon[h], 1 + Math.max(inc.fat[h], 0)]); }
    }
    return pts;
  }

  /* Show only incidents dated on or before `cutoff` (a day number); undated always show. */
  function filterTo(state, spec, cutoff) {
    var inc = spec.incidents, n = inc.lat.length, add = [], remove = [], shown = 0;
    for (var i = 0; i < n; i++) {
      var want = inc.day[i] < 0 || inc.day[i] <= cutoff ? 1 : 0;
      shown += want;
      if (want !== state.visible[i] && state.markers) {
        (want ? add : remove).push(state.markers[i]);
      }
      state.visible[i] = want;
    }
    if (state.markers) {
      state.group.removeLayers(remove);
      state.group.addLayers(add);
    } else {
      state.group.redraw();
    }
    if (state.circleLayer) { state.circleLayer.redraw(); }
    if (state.heat) { state.heat.setLatLngs(heatPoints(state)); }
    state.shown = shown;
    return shown;
  }

  function featureCard(props) {
    return card(props._title, props._rows || []);
  }

  function vectorLayer(fc, style, cls, pointStyle, labels) {
    return L.geoJSON(fc, {
      style: function () { return L.extend({ className: cls }, style); },
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, L.extend({ className: cls }, pointStyle || style));
      },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        if (p._title || p._rows) {
          layer.bindPopup(function () { return featureCard(p); }, POPUP);
        }
        if (p._tip) {
          var node = el('span', null, p._tip);
          var point = f.geometry && f.geometry.type === 'Point';
          if (labels && point) {
            layer.bindTooltip(node, { permanent: true, direction: 'right', offset: [6, 0],
              className: 'gc-label' });
          } else {
            layer.bindTooltip(node, { sticky: !point });
          }
        }
      }
    });
  }

  /* Fit the data's bounds into the part of the map no control covers. The legend
   * starts closed when, open, it would cover more than a third of the map or shrink the
   * data below half the size it has with the legend closed; never in pictures. */
  function fitView(map, spec, state) {
    var c = map.getContainer(), legendBox = c.querySelector('.gc-legend');
    var picture = L.DomUtil.hasClass(c, 'gc-picture');
    var bounds = spec.bounds ? L.latLngBounds(spec.bounds) : null;
    var fit = bounds ? U.fitPadding(map, bounds, 24, 18) : null;
    if (!picture && legendBox) {
      var area = legendBox.offsetWidth * legendBox.offsetHeight;
      var big = area > c.clientWidth * c.clientHeight / 3;
      state.legend.set(true);
      var closed = bounds ? U.fitPadding(map, bounds, 24, 18) : null;
      if (big || (closed && (!fit || fit.scale < 0.5 * closed.scale))) {
        fit = closed;
        state.legendAutoCollapsed = true;
      } else {
        state.legend.set(false);
      }
    }
    if (!bounds) { return; }
    var pad = fit ? fit.padding : [24, 24, 24, 24];
    state.fitPadding = pad;
    map.fitBounds(bounds, { paddingTopLeft: [pad[0], pad[1]],
      paddingBottomRight: [pad[2], pad[3]], maxZoom: spec.maxZoom, animate: false });
  }

  function draw(map, spec) {
    var state = { spec: spec, map: map };
    maps[spec.id] = state;
    // Without a tile layer Leaflet has no zoom limits; markercluster needs one.
    if (map.options.maxZoom === undefined) { map.setMaxZoom(18); }
    map.attributionControl.setPrefix(false);
    for (var a = 0; a < spec.attribution.length; a++) {
      map.attributionControl.addAttribution(escHtml(spec.attribution[a]));
    }
    var base = map.createPane('gcBasemap');
    base.style.zIndex = 250;
    base.style.pointerEvents = 'none';
    // Incidents above the deployment icons (markerPane is 600), below tooltips (650);
    // the canvas takes no pointer events: hits are found from map mouse events.
    var incPane = map.createPane('gcIncidents');
    incPane.style.zIndex = 620;
    incPane.style.pointerEvents = 'none';
    var container = map.getContainer();
    // A picture (ConflictMap.to_image) leaves out the controls only a pointer can use.
    if (window.GEOCONFLICT_PICTURE) { L.DomUtil.addClass(container, 'gc-picture'); }
    function zoomClass() {
      L.DomUtil[map.getZoom() >= spec.labelZoom ? 'removeClass' : 'addClass'](container, 'gc-zoom-low');
    }
    map.on('zoomend', zoomClass);
    zoomClass();
    // On a small map the layer list would cover the data: it opens on hover/focus there.
    var small = container.clientWidth < 640 || container.clientHeight < 480;
    var control = L.control.layers(null, null, { collapsed: spec.collapsed || small,
      position: 'topright' });
    control.addTo(map);
    if (spec.basemap) {
      // noClip: clipping 20,000 outline vertices to the view costs more than drawing them.
      var land = basemapLayer(spec.basemap, spec.tiles).addTo(map);
      control.addOverlay(land, escHtml(spec.names.basemap));
      if (!spec.tiles) { L.DomUtil.addClass(map.getContainer(), 'gc-offline'); }
    }
    var layers = spec.vectors;
    for (var v = 0; v < layers.length; v++) {
      var lay = layers[v];
      var g = vectorLayer(lay.data, lay.style, lay.cls, lay.pointStyle, lay.labels);
      if (lay.show !== false) { g.addTo(map); }
      control.addOverlay(g, escHtml(lay.name));
    }
    for (var o = 0; o < spec.overlays.length; o++) {
      var ov = spec.overlays[o];
      var img = L.imageOverlay(ov.url, ov.bounds, { opacity: ov.opacity, interactive: false,
        className: 'gc-overlay' }).addTo(map);
      control.addOverlay(img, escHtml(ov.name));
    }
    if (spec.deployments.length) {
      var dg = L.featureGroup();
      var icon = L.divIcon({ html: spec.deployIcon, className: 'gc-deployment',
        iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10] });
      for (var d = 0; d < spec.deployments.length; d++) {
        var dep = spec.deployments[d];
        var mk = L.marker([dep.lat, dep.lon], { icon: icon, keyboard: true, zIndexOffset: 500,
          title: dep.tip, alt: dep.tip });
        // A name label, shown from spec.labelZoom on (CSS); the title attribute on hover.
        mk.bindTooltip(el('span', null, dep.tip), { permanent: true, direction: 'right',
          offset: [10, 0], className: 'gc-label gc-label-deployment' });
        (function (p) {
          mk.bindPopup(function () { return featureCard(p); }, POPUP);
        }(dep));
        mk.on('add', function () { this.getElement().setAttribute('aria-label', 'deployment'); });
        dg.addLayer(mk);
      }
      dg.addTo(map);
      control.addOverlay(dg, escHtml(spec.names.deployments));
    }
    if (spec.incidents) { incidentLayer(map, spec, control, state); }
    L.control.scale({ position: 'bottomleft', maxWidth: 160 }).addTo(map);
    if (spec.options.timeline && spec.incidents) { U.addTimeline(map, spec, state, filterTo); }
    U.addFullscreen(map);
    state.measure = U.addMeasure(map);
    U.addTitle(map, spec);
    state.legend = U.addLegend(map, spec);
    if (spec.labels) {
      // Place labels: above the outlines and areas, under the incidents and deployments.
      var lp = map.createPane('gcLabels');
      lp.style.zIndex = 450;
      lp.style.pointerEvents = 'none';
      state.labels = new LabelLayer(spec, state).addTo(map);
      control.addOverlay(state.labels, escHtml(spec.names.labels));
    }
    fitView(map, spec, state);
    if (state.labels) { state.labels.relayout(); }
    if (!state.countDrawn) { state.countDrawn = function () { return 0; }; }
    state.ready = true;
    // Two animation frames after everything is drawn (clustering loads in chunks), the
    // first complete frame has been produced: paintedAt is what the benchmark reports.
    function markPainted() {
      state.drawnAt = performance.now();
      requestAnimationFrame(function () {
        requestAnimationFrame(function () { state.paintedAt = performance.now(); });
      });
    }
    if (state.pending) { state.onSettled = markPainted; } else { markPainted(); }
    return state;
  }

  return { draw: draw, maps: maps, vincenty: U.vincenty, escHtml: escHtml,
    decodeLine: decodeLine };
}());
