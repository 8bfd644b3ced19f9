/* Image-guided placement: mark the skin line, the nerve, the probe trajectory (and a
   known distance, motor nerves, vessels) on the patient's image, with the mouse or the
   keyboard. The marks (image pixels) go to the hidden "marks" field as JSON; the server
   computes the geometry and the isotherms. No inline script or style (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("placement");
  if (!root) { return; }
  var svg = document.getElementById("placement-svg");
  var layer = document.getElementById("placement-marks");
  var cursor = document.getElementById("placement-cursor");
  var status = document.getElementById("placement-status");
  var input = document.getElementById(root.dataset.marksInput);
  var calInput = document.getElementById("calibration-mm");
  var W = Number(root.dataset.width), H = Number(root.dataset.height);
  var NS = "http://www.w3.org/2000/svg";
  var TWO = { skin: true, trajectory: true, calibration: true };
  var MANY = { motor: true, vessel: true };
  // Django's JavaScript catalogue (/jsi18n/) is loaded before this file; without it, English.
  var gettext = window.gettext || function (s) { return s; };
  var LABEL = { calibration: gettext("known distance"), skin: gettext("skin line"),
                nerve: gettext("nerve"), trajectory: gettext("probe trajectory"),
                motor: gettext("motor nerve"), vessel: gettext("vessel") };
  var marks = { skin: [[0, 0], [W, 0]], nerve: null, trajectory: [], motor: [], vessel: [],
                calibration: [] };
  var skinDefault = true;
  var mode = "nerve";
  var pos = [Math.round(W / 2), Math.round(H / 2)];

  try {
    var old = input && input.value ? JSON.parse(input.value) : null;
    if (old && typeof old === "object") {
      ["skin", "trajectory", "motor", "vessel"].forEach(function (k) { if (Array.isArray(old[k])) { marks[k] = old[k]; } });
      if (Array.isArray(old.nerve)) { marks.nerve = old.nerve; }
      if (old.calibration && Array.isArray(old.calibration.points)) { marks.calibration = old.calibration.points; }
      skinDefault = false;
    }
  } catch (e) { /* ignore a damaged field: start again */ }

  function say(msg) { if (status) { status.textContent = msg; } }
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function radius() { return Math.max(W, H) / 120; }

  // The depth and approach angle read off the marks, shown in the form as they change
  // (the same geometry as the server's planning.placement.placement_from_marks, which
  // remains the one that counts).
  var depthInput = document.getElementById(root.dataset.depthInput || "");
  var angleInput = document.getElementById(root.dataset.angleInput || "");
  function spacing() {
    var row = Number(root.dataset.rowSpacing), col = Number(root.dataset.columnSpacing);
    if (row > 0 && col > 0) { return [row, col]; }
    var c = marks.calibration, mm = calInput ? Number(calInput.value) : NaN;
    if (c.length !== 2 || !(mm > 0)) { return null; }
    var px = Math.hypot(c[1][0] - c[0][0], c[1][1] - c[0][1]);
    return px > 0 ? [mm / px, mm / px] : null;
  }
  function geometry() {
    var sp = spacing();
    if (!sp || !marks.nerve || marks.skin.length !== 2) { return null; }
    function mm(p) { return [p[0] * sp[1], p[1] * sp[0]]; }
    function dot(u, v) { return u[0] * v[0] + u[1] * v[1]; }
    function sub(u, v) { return [u[0] - v[0], u[1] - v[1]]; }
    var a = mm(marks.skin[0]), b = mm(marks.skin[1]), nerve = mm(marks.nerve);
    var len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (!(len > 0)) { return null; }
    var t = [(b[0] - a[0]) / len, (b[1] - a[1]) / len], nIn = [-t[1], t[0]];
    if (dot(sub(nerve, a), nIn) < 0) { nIn = [-nIn[0], -nIn[1]]; }
    var out = { depth: dot(sub(nerve, a), nIn), angle: null };
    if (marks.trajectory.length === 2) {
      var e = mm(marks.trajectory[0]), q = mm(marks.trajectory[1]);
      var d = [dot(sub(q, e), t), dot(sub(q, e), nIn)];
      if (d[1] > 0) { out.angle = Math.atan2(d[1], d[0]) * 180 / Math.PI; }
    }
    return out;
  }
  function showGeometry() {
    var g = geometry();
    if (!g) { return; }
    if (depthInput && g.depth > 0) { depthInput.value = g.depth.toFixed(1); depthInput.classList.add("from-marks"); }
    if (angleInput && g.angle !== null) { angleInput.value = g.angle.toFixed(0); angleInput.classList.add("from-marks"); }
  }

  function serialize() {
    var out = { skin: marks.skin, nerve: marks.nerve, trajectory: marks.trajectory,
                motor: marks.motor, vessel: marks.vessel };
    if (marks.calibration.length === 2) {
      out.calibration = { points: marks.calibration, mm: calInput ? Number(calInput.value) : null };
    }
    if (input) { input.value = JSON.stringify(out); }
    showGeometry();
  }

  function draw() {
    while (layer.firstChild) { layer.removeChild(layer.firstChild); }
    var r = radius();
    ["skin", "trajectory", "calibration"].forEach(function (k) {
      var p = marks[k];
      if (p.length === 2) {
        layer.appendChild(el("line", { "class": "mark mark-" + k, x1: p[0][0], y1: p[0][1], x2: p[1][0], y2: p[1][1] }));
      }
      p.forEach(function (q) { layer.appendChild(el("circle", { "class": "mark mark-" + k, cx: q[0], cy: q[1], r: r / 2 })); });
    });
    if (marks.nerve) {
      layer.appendChild(el("circle", { "class": "mark mark-nerve", id: "mark-nerve", cx: marks.nerve[0], cy: marks.nerve[1], r: r }));
    }
    ["motor", "vessel"].forEach(function (k) {
      marks[k].forEach(function (q) { layer.appendChild(el("circle", { "class": "mark mark-" + k, cx: q[0], cy: q[1], r: r })); });
    });
    cursor.setAttribute("transform", "translate(" + pos[0] + " " + pos[1] + ")");
    serialize();
  }

  function setMode(m) {
    mode = m;
    root.querySelectorAll("[data-mode]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.mode === m ? "true" : "false");
    });
    var n = TWO[m] ? " (" + gettext("two points") + ")" : "";
    say(gettext("Marking") + ": " + LABEL[m] + n);
  }

  function place(p) {
    p = [Math.round(Math.min(Math.max(p[0], 0), W)), Math.round(Math.min(Math.max(p[1], 0), H))];
    if (mode === "nerve") {
      marks.nerve = p;
    } else if (TWO[mode]) {
      if (mode === "skin" && skinDefault) { marks.skin = []; skinDefault = false; }
      if (marks[mode].length >= 2) { marks[mode] = []; }
      marks[mode].push(p);
    } else if (MANY[mode]) {
      marks[mode].push(p);
    }
    pos = p;
    draw();
    var done = mode === "nerve" || MANY[mode] || marks[mode].length === 2;
    say(LABEL[mode] + ": " + (done ? gettext("marked") : gettext("first point marked, now the second")) +
        " (" + p[0] + ", " + p[1] + ")");
    if (mode === "nerve" && marks.trajectory.length < 2) { setMode("trajectory"); }
  }

  function undo() {
    if (mode === "nerve") { marks.nerve = null; }
    else if (marks[mode].length) { marks[mode].pop(); }
    draw();
    say(LABEL[mode] + ": " + gettext("last point removed"));
  }

  svg.addEventListener("click", function (ev) {
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    var m = svg.getScreenCTM();
    if (!m) { return; }
    var q = pt.matrixTransform(m.inverse());
    svg.focus();
    place([q.x, q.y]);
  });

  svg.addEventListener("keydown", function (ev) {
    var step = ev.shiftKey ? 10 : 1;
    var keys = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var modes = { "1": "calibration", "2": "skin", "3": "nerve", "4": "trajectory", "5": "motor", "6": "vessel" };
    if (keys[ev.key]) {
      pos = [Math.min(Math.max(pos[0] + keys[ev.key][0], 0), W), Math.min(Math.max(pos[1] + keys[ev.key][1], 0), H)];
      cursor.setAttribute("transform", "translate(" + pos[0] + " " + pos[1] + ")");
      say("(" + pos[0] + ", " + pos[1] + ")");
      ev.preventDefault();
    } else if (ev.key === "Enter" || ev.key === " ") {
      place(pos); ev.preventDefault();
    } else if (ev.key === "Backspace" || ev.key === "Delete") {
      undo(); ev.preventDefault();
    } else if (modes[ev.key] && (modes[ev.key] !== "calibration" || root.querySelector('[data-mode="calibration"]'))) {
      setMode(modes[ev.key]); ev.preventDefault();
    }
  });

  root.querySelectorAll("[data-mode]").forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.dataset.mode); svg.focus(); });
  });
  var clear = root.querySelector('[data-action="clear"]');
  if (clear) {
    clear.addEventListener("click", function () {
      marks = { skin: [[0, 0], [W, 0]], nerve: null, trajectory: [], motor: [], vessel: [], calibration: [] };
      skinDefault = true; draw(); say(gettext("All marks cleared"));
    });
  }
  if (calInput) { calInput.addEventListener("input", serialize); }
  if (root.dataset.calibrated === "0" && root.querySelector('[data-mode="calibration"]')) { setMode("calibration"); } else { setMode("nerve"); }
  draw();
})();

/* Progress while the plan computes (a plain form post: the page waits a few seconds). */
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) { return; }
  form.addEventListener("submit", function (ev) {
    var submitter = ev.submitter;
    if (submitter && submitter.id !== (form.dataset.busyButton || "")) { return; }
    var button = document.getElementById(form.dataset.busyButton || "");
    var progress = document.getElementById("compute-progress");
    if (progress) { progress.hidden = false; }
    if (button) { button.setAttribute("aria-busy", "true"); window.setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
