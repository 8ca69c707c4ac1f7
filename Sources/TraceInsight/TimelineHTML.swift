import Telemetry

/// Writes one self-contained HTML file with the timeline of a trace: a canvas drawn by inline JavaScript
/// from an inline JSON block, no network access, so it opens from a laptop after `scp`.
///
/// One band per rank, in it the tracks of `TrackLayout` (a row per nesting level); wheel or the buttons zoom,
/// dragging pans, double-click resets, hovering a span shows its name, duration, start, ids, status,
/// attributes and events. Every span of the files is in the data block (`spans`, one array per span, in
/// reading order): `[row, name index, start µs, duration µs, status (0 unset, 1 ok, 2 error), span id,
/// parent id or null, attributes, error description or null, [[event name, µs], …]]`.
public enum TimelineHTML {
    /// Writes the timeline of `source` to `output`; returns the number of spans written.
    @discardableResult
    public static func write(_ source: TraceSource, to output: OutputFile, title: String? = nil) throws(TraceInsightError) -> Int {
        let trace = try LaidOutTrace(source)
        try write(trace, to: output, title: title)
        return trace.table.count
    }

    public static func write(_ trace: LaidOutTrace, to output: OutputFile, title: String? = nil) throws(TraceInsightError) {
        let tracks = trace.layout.tracks
        // Rows: each track has one row per nesting level; groups are ranks.
        var rowOfTrack: [Int] = []
        var rows: [(group: Int, label: String)] = []
        var groups: [String] = []
        var lastRank: Int?? = .none
        for track in tracks {
            if lastRank == .none || lastRank! != track.rank {
                groups.append(trace.processLabel(rank: track.rank))
                lastRank = .some(track.rank)
            }
            rowOfTrack.append(rows.count)
            for level in 0..<max(track.depth, 1) {
                rows.append((groups.count - 1, level == 0 ? trace.trackLabel(track) : ""))
            }
        }
        let title = title ?? "Trace timeline: " + trace.source.files.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", ")
        try output.write { w in
            w.raw(head)
            w.raw("<title>")
            w.raw(htmlEscaped(title))
            w.raw("</title>\n")
            w.raw(style)
            w.raw("</head>\n<body>\n<script type=\"application/json\" id=\"trace-data\">\n{")
            w.key("title", first: true); w.string(title)
            w.key("files"); w.array(trace.source.files) { $0.string($1) }
            w.key("start"); w.string(trace.table.count > 0 ? Timestamp.iso(trace.start) : "")
            w.key("wall_us"); w.micros(fromNanos: trace.end &- trace.start)
            w.key("span_count"); w.int(trace.table.count)
            w.key("rank_count"); w.int(Set(tracks.compactMap(\.rank)).count)
            w.key("groups"); w.array(groups) { $0.string($1) }
            w.key("rows"); w.array(rows) { w, row in
                w.raw("[\(row.group), ")
                w.string(row.label)
                w.raw("]")
            }
            w.key("names"); w.array(trace.table.names) { $0.string($1) }
            w.key("spans")
            w.raw("[\n")
        }
        let origin = trace.start
        try trace.forEachSpanAgain { index, span throws(TraceInsightError) in
            let compact = trace.table.spans[index]
            let row = rowOfTrack[Int(trace.layout.trackOfSpan[index])] + Int(trace.layout.levelOfSpan[index])
            try output.write { w in
                if index > 0 { w.raw(",\n") }
                w.raw("[\(row), \(compact.name), ")
                w.micros(fromNanos: span.startTimeNanos &- origin)
                w.raw(", ")
                w.micros(fromNanos: compact.duration)
                switch span.status {
                case .unset: w.raw(", 0, ")
                case .ok: w.raw(", 1, ")
                case .error: w.raw(", 2, ")
                }
                w.string(span.context.spanID.hex)
                w.raw(", ")
                if let parent = span.parentSpanID { w.string(parent.hex) } else { w.raw("null") }
                w.raw(", ")
                w.attributes(span.attributes)
                w.raw(", ")
                if case .error(let description?) = span.status { w.string(description) } else { w.raw("null") }
                w.raw(", ")
                w.array(span.events) { w, event in
                    w.raw("[")
                    w.string(event.name)
                    w.raw(", ")
                    w.micros(fromNanos: max(event.timeNanos, origin) &- origin)
                    w.raw("]")
                }
                w.raw("]")
            }
        }
        try output.write { w in
            w.raw("\n]}\n</script>\n")
            w.raw(body)
            w.raw("</body>\n</html>\n")
        }
        try output.flush()
    }

    static func htmlEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static let head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="generator" content="bsb trace html">

        """

    static let style = """
        <style>
        body { margin: 0; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2330; background: #fff; }
        header { position: sticky; top: 0; z-index: 2; background: #f4f6fa; border-bottom: 1px solid #d5dae3; padding: 8px 12px; }
        h1 { font-size: 15px; margin: 0 0 4px 0; font-weight: 600; }
        #stats { color: #4a5468; }
        #controls { margin-top: 6px; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
        button { font: inherit; padding: 2px 10px; border: 1px solid #b8c0cf; background: #fff; border-radius: 4px; cursor: pointer; }
        button:hover { background: #e8edf6; }
        #hint, #range { color: #6b7487; margin-left: 8px; }
        #timeline { display: block; width: 100%; cursor: grab; }
        #timeline.dragging { cursor: grabbing; }
        #tip { position: fixed; display: none; z-index: 3; max-width: 560px; background: #fffef4; border: 1px solid #b9b38c;
               box-shadow: 0 2px 8px rgba(0,0,0,.18); padding: 6px 8px; pointer-events: none; font-size: 12px; }
        #tip b { font-size: 13px; }
        #tip table { border-collapse: collapse; margin-top: 4px; }
        #tip td { padding: 0 8px 0 0; vertical-align: top; word-break: break-all; }
        #tip td:first-child { color: #5b6478; white-space: nowrap; word-break: normal; }
        #tip .err { color: #b3261e; font-weight: 600; }
        </style>

        """

    static let body = #"""
        <header>
        <h1 id="title"></h1>
        <div id="stats"></div>
        <div id="controls">
        <button id="zoom-in" title="Zoom in">+</button>
        <button id="zoom-out" title="Zoom out">&minus;</button>
        <button id="pan-left" title="Pan left">&larr;</button>
        <button id="pan-right" title="Pan right">&rarr;</button>
        <button id="reset" title="Show everything">Reset</button>
        <span id="range"></span>
        <span id="hint">wheel: zoom &middot; drag: pan &middot; double-click: reset &middot; hover a span for details &middot; #span=ID links to a span</span>
        </div>
        </header>
        <canvas id="timeline"></canvas>
        <div id="tip"></div>
        <script>
        (function () {
          "use strict";
          const D = JSON.parse(document.getElementById("trace-data").textContent);
          const ROW_H = 18, GROUP_H = 24, AXIS_H = 26, LABEL_W = 190, PAD_R = 12;
          const canvas = document.getElementById("timeline");
          const ctx = canvas.getContext("2d");
          const tip = document.getElementById("tip");
          const S = D.spans;

          function fmt(us) {
            const a = Math.abs(us);
            if (a >= 1e6) return (us / 1e6).toFixed(3) + " s";
            if (a >= 1e3) return (us / 1e3).toFixed(3) + " ms";
            return (Number.isInteger(us) ? us.toString() : us.toFixed(3)) + " \u00b5s";
          }
          function tick(t, step) {
            const far = Math.max(Math.abs(t0), Math.abs(t1), step);
            const unit = far >= 1e6 ? 1e6 : far >= 1e3 ? 1e3 : 1;
            const digits = Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9));
            if (t === 0) return "0";
            return (t / unit).toFixed(digits) + (unit === 1e6 ? " s" : unit === 1e3 ? " ms" : " \u00b5s");
          }
          function esc(s) {
            return String(s).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
          }

          document.getElementById("title").textContent = D.title;
          document.title = D.title;
          document.getElementById("stats").textContent =
            D.span_count + " spans \u00b7 " + D.rank_count + " rank" + (D.rank_count === 1 ? "" : "s") +
            (D.groups.length !== D.rank_count ? " \u00b7 " + D.groups.length + " processes" : "") + " \u00b7 wall time " + fmt(D.wall_us) +
            (D.start ? " \u00b7 from " + D.start : "");

          // Vertical layout: a header band per rank, then one row per track level.
          const rowY = new Float64Array(D.rows.length);
          const bands = [];
          let y = AXIS_H;
          for (let r = 0; r < D.rows.length; r++) {
            const g = D.rows[r][0];
            if (bands.length === 0 || bands[bands.length - 1].group !== g) {
              if (bands.length) bands[bands.length - 1].end = y;
              bands.push({ group: g, y: y, end: 0 });
              y += GROUP_H;
            }
            rowY[r] = y;
            y += ROW_H;
          }
          if (bands.length) bands[bands.length - 1].end = y;
          const totalH = Math.min(y + 8, 32000);

          // Spans of each row, by start; on a row they never overlap, so ends are sorted too.
          const perRow = D.rows.map(() => []);
          for (let i = 0; i < S.length; i++) perRow[S[i][0]].push(i);
          const rowStart = [], rowEnd = [];
          for (const list of perRow) {
            list.sort((a, b) => S[a][2] - S[b][2]);
            rowStart.push(Float64Array.from(list, i => S[i][2]));
            rowEnd.push(Float64Array.from(list, i => S[i][2] + S[i][3]));
          }

          const full = Math.max(D.wall_us, 1);
          let t0 = 0, t1 = full;
          let hover = -1;

          function width() { return canvas.clientWidth; }
          function scale() { return (width() - LABEL_W - PAD_R) / (t1 - t0); }
          function xOf(t) { return LABEL_W + (t - t0) * scale(); }
          function tOf(x) { return t0 + (x - LABEL_W) / scale(); }

          const PALETTE = ["#8fb8e8", "#f2b66d", "#9ad29a", "#c9a6e4", "#f4a3a8", "#7fd1c7", "#e6d074", "#b8c4d6",
                           "#f0a0d0", "#a7c957", "#d4a373", "#90a8ff"];
          function color(nameIndex) {
            if (nameIndex < PALETTE.length) return PALETTE[nameIndex];
            const h = (nameIndex * 137.508) % 360;
            return "hsl(" + h.toFixed(0) + ", 58%, 74%)";
          }
          function firstEndingAfter(ends, t) {
            let lo = 0, hi = ends.length;
            while (lo < hi) { const m = (lo + hi) >> 1; if (ends[m] < t) lo = m + 1; else hi = m; }
            return lo;
          }
          function niceStep(us) {
            const p = Math.pow(10, Math.floor(Math.log10(us)));
            for (const m of [1, 2, 5, 10]) if (m * p >= us) return m * p;
            return 10 * p;
          }

          function draw() {
            const dpr = window.devicePixelRatio || 1;
            const W = width();
            if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(totalH * dpr)) {
              canvas.width = Math.round(W * dpr);
              canvas.height = Math.round(totalH * dpr);
              canvas.style.height = totalH + "px";
            }
            ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
            ctx.clearRect(0, 0, W, totalH);
            ctx.font = "11px system-ui, sans-serif";
            ctx.textBaseline = "middle";

            // Rank bands.
            bands.forEach((b, k) => {
              ctx.fillStyle = k % 2 ? "#f7f8fb" : "#ffffff";
              ctx.fillRect(0, b.y, W, b.end - b.y);
              ctx.fillStyle = "#e6eaf2";
              ctx.fillRect(0, b.y, W, GROUP_H - 4);
              ctx.strokeStyle = "#c9d0dc";
              ctx.beginPath(); ctx.moveTo(0, b.y + 0.5); ctx.lineTo(W, b.y + 0.5); ctx.stroke();
            });

            // Grid and axis.
            const step = niceStep(90 / scale());
            ctx.strokeStyle = "#eceff4";
            ctx.fillStyle = "#4a5468";
            ctx.textAlign = "left";
            for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
              const x = Math.round(xOf(t)) + 0.5;
              ctx.beginPath(); ctx.moveTo(x, AXIS_H - 6); ctx.lineTo(x, totalH); ctx.stroke();
              ctx.fillText(tick(t, step), x + 3, AXIS_H / 2);
            }
            ctx.strokeStyle = "#9aa3b5";
            ctx.beginPath(); ctx.moveTo(LABEL_W, AXIS_H - 0.5); ctx.lineTo(W, AXIS_H - 0.5); ctx.stroke();

            // Spans.
            ctx.save();
            ctx.beginPath(); ctx.rect(LABEL_W, 0, W - LABEL_W, totalH); ctx.clip();
            const sc = scale();
            for (let r = 0; r < perRow.length; r++) {
              const list = perRow[r], ys = rowY[r] + 1, h = ROW_H - 2;
              if (ys > totalH) break;
              let lastPx = -1;
              for (let k = firstEndingAfter(rowEnd[r], t0); k < list.length; k++) {
                const i = list[k], s = S[i];
                if (s[2] > t1) break;
                const x0 = LABEL_W + (s[2] - t0) * sc;
                const w = Math.max(s[3] * sc, 1);
                if (w <= 1 && Math.floor(x0) === lastPx) continue;
                lastPx = Math.floor(x0);
                ctx.fillStyle = s[4] === 2 ? "#ef6b5f" : color(s[1]);
                ctx.fillRect(x0, ys, w, h);
                if (w > 4) {
                  ctx.strokeStyle = s[4] === 2 ? "#a31f14" : "rgba(40,50,70,0.35)";
                  ctx.strokeRect(x0 + 0.5, ys + 0.5, w - 1, h - 1);
                }
                if (w > 36) {
                  const left = Math.max(x0, LABEL_W) + 3, right = Math.min(x0 + w, W) - 3;
                  if (right - left > 20) {
                    ctx.save();
                    ctx.beginPath(); ctx.rect(left, ys, right - left, h); ctx.clip();
                    ctx.fillStyle = "#15181f";
                    ctx.fillText(D.names[s[1]] + "  " + fmt(s[3]), left, ys + h / 2 + 0.5);
                    ctx.restore();
                  }
                }
              }
            }
            if (hover >= 0) {
              const s = S[hover];
              ctx.strokeStyle = "#111";
              ctx.lineWidth = 2;
              ctx.strokeRect(LABEL_W + (s[2] - t0) * sc, rowY[s[0]] + 1, Math.max(s[3] * sc, 2), ROW_H - 2);
              ctx.lineWidth = 1;
            }
            ctx.restore();

            // Labels.
            ctx.fillStyle = "#fbfcfe";
            ctx.fillRect(0, AXIS_H, LABEL_W - 1, totalH);
            ctx.strokeStyle = "#c9d0dc";
            ctx.beginPath(); ctx.moveTo(LABEL_W - 0.5, 0); ctx.lineTo(LABEL_W - 0.5, totalH); ctx.stroke();
            ctx.textAlign = "left";
            bands.forEach(b => {
              ctx.fillStyle = "#e6eaf2";
              ctx.fillRect(0, b.y, LABEL_W - 1, GROUP_H - 4);
              ctx.fillStyle = "#1d2330";
              ctx.font = "bold 12px system-ui, sans-serif";
              ctx.fillText(D.groups[b.group], 8, b.y + (GROUP_H - 4) / 2);
            });
            ctx.font = "11px system-ui, sans-serif";
            ctx.fillStyle = "#5b6478";
            for (let r = 0; r < D.rows.length; r++) {
              if (D.rows[r][1]) ctx.fillText(D.rows[r][1], 18, rowY[r] + ROW_H / 2);
            }
            document.getElementById("range").textContent = "showing " + fmt(t0) + " to " + fmt(t1) + " (" + fmt(t1 - t0) + ")";
          }

          function clampView() {
            const minSpan = 0.01;
            if (t1 - t0 < minSpan) { const c = (t0 + t1) / 2; t0 = c - minSpan / 2; t1 = c + minSpan / 2; }
            const span = t1 - t0, margin = full * 0.05;
            if (span >= full + 2 * margin) { t0 = -margin; t1 = full + margin; return; }
            if (t0 < -margin) { t0 = -margin; t1 = t0 + span; }
            if (t1 > full + margin) { t1 = full + margin; t0 = t1 - span; }
          }
          function zoom(factor, at) {
            t0 = at - (at - t0) * factor;
            t1 = at + (t1 - at) * factor;
            clampView();
            draw();
          }
          function pan(fraction) {
            const d = (t1 - t0) * fraction;
            t0 += d; t1 += d;
            clampView();
            draw();
          }

          function spanAt(x, yPos) {
            if (x < LABEL_W) return -1;
            let lo = 0, hi = rowY.length - 1, r = -1;
            while (lo <= hi) { const m = (lo + hi) >> 1; if (rowY[m] <= yPos) { r = m; lo = m + 1; } else hi = m - 1; }
            if (r < 0 || yPos > rowY[r] + ROW_H) return -1;
            const t = tOf(x), tol = 3 / scale();
            const list = perRow[r];
            for (let k = firstEndingAfter(rowEnd[r], t - tol); k < list.length; k++) {
              const s = S[list[k]];
              if (s[2] > t + tol) break;
              return list[k];
            }
            return -1;
          }

          function showTip(i, cx, cy) {
            const s = S[i];
            let html = "<b>" + esc(D.names[s[1]]) + "</b><br>duration " + fmt(s[3]) + " \u00b7 start +" + fmt(s[2]);
            html += "<br>" + esc(D.groups[D.rows[s[0]][0]]);
            if (s[4] === 2) html += '<br><span class="err">ERROR' + (s[8] ? ": " + esc(s[8]) : "") + "</span>";
            else if (s[4] === 1) html += "<br>status OK";
            html += "<table><tr><td>span id</td><td>" + s[5] + "</td></tr><tr><td>parent id</td><td>" + (s[6] || "(root)") + "</td></tr>";
            for (const k of Object.keys(s[7])) {
              const v = s[7][k];
              html += "<tr><td>" + esc(k) + "</td><td>" + esc(typeof v === "string" ? v : JSON.stringify(v)) + "</td></tr>";
            }
            html += "</table>";
            if (s[9].length) {
              html += "<table>";
              s[9].slice(0, 20).forEach(e => { html += "<tr><td>+" + fmt(e[1]) + "</td><td>" + esc(e[0]) + "</td></tr>"; });
              if (s[9].length > 20) html += "<tr><td></td><td>\u2026 " + (s[9].length - 20) + " more events</td></tr>";
              html += "</table>";
            }
            tip.innerHTML = html;
            tip.style.display = "block";
            const w = tip.offsetWidth, h = tip.offsetHeight;
            tip.style.left = Math.max(4, Math.min(cx + 14, window.innerWidth - w - 8)) + "px";
            tip.style.top = (cy + 16 + h > window.innerHeight ? Math.max(4, cy - h - 10) : cy + 16) + "px";
          }

          let drag = null;
          canvas.addEventListener("wheel", e => {
            e.preventDefault();
            const rect = canvas.getBoundingClientRect();
            const x = e.clientX - rect.left;
            const at = x >= LABEL_W ? tOf(x) : (t0 + t1) / 2;
            zoom(Math.exp(e.deltaY * 0.0015), at);
          }, { passive: false });
          canvas.addEventListener("mousedown", e => {
            drag = { x: e.clientX, t0: t0, t1: t1 };
            canvas.classList.add("dragging");
          });
          window.addEventListener("mouseup", () => { drag = null; canvas.classList.remove("dragging"); });
          canvas.addEventListener("mousemove", e => {
            const rect = canvas.getBoundingClientRect();
            if (drag) {
              const dt = (e.clientX - drag.x) / scale();
              t0 = drag.t0 - dt; t1 = drag.t1 - dt;
              clampView();
              draw();
              tip.style.display = "none";
              return;
            }
            const i = spanAt(e.clientX - rect.left, e.clientY - rect.top);
            if (i !== hover) { hover = i; draw(); }
            if (i >= 0) showTip(i, e.clientX, e.clientY); else tip.style.display = "none";
          });
          canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; if (hover >= 0) { hover = -1; draw(); } });
          canvas.addEventListener("dblclick", () => { t0 = 0; t1 = full; draw(); });
          document.getElementById("zoom-in").onclick = () => zoom(0.5, (t0 + t1) / 2);
          document.getElementById("zoom-out").onclick = () => zoom(2, (t0 + t1) / 2);
          document.getElementById("pan-left").onclick = () => pan(-0.25);
          document.getElementById("pan-right").onclick = () => pan(0.25);
          document.getElementById("reset").onclick = () => { t0 = 0; t1 = full; draw(); };
          window.addEventListener("resize", draw);
          draw();

          // `timeline.html#span=<span id>` zooms to that span and shows its details.
          const wanted = /span=([0-9a-f]{16})/.exec(location.hash);
          if (wanted) {
            const i = S.findIndex(s => s[5] === wanted[1]);
            if (i >= 0) {
              const s = S[i], margin = Math.max(s[3] * 0.25, 1);
              t0 = s[2] - margin; t1 = s[2] + s[3] + margin;
              clampView();
              hover = i;
              draw();
              const top = canvas.getBoundingClientRect().top + window.scrollY;
              window.scrollTo(0, Math.max(0, top + rowY[s[0]] - 200));
              const rect = canvas.getBoundingClientRect();
              showTip(i, rect.left + Math.max(xOf(s[2]), LABEL_W) + 20, rect.top + rowY[s[0]] + ROW_H);
            }
          }
        })();
        </script>

        """#
}
