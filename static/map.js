/* Concept map: pan and zoom the build-time SVG by changing its viewBox. Without this script the
   map is still a scrollable picture whose every node is a link. */
(function () {
  "use strict";
  var box = document.querySelector("[data-map]");
  var svg = box && box.querySelector("svg");
  if (!svg || !svg.createSVGPoint) return;
  var home = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  var view = home.slice();
  var STEP = 0.1, ZOOM = 1.25;

  box.classList.add("is-live");
  var tools = document.querySelector("[data-map-tools]");
  if (tools) tools.hidden = false;

  function apply() {
    svg.setAttribute("viewBox", view.map(function (v) { return Math.round(v * 100) / 100; }).join(" "));
  }

  function toSvg(clientX, clientY) {
    var point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  /* factor > 1 zooms in, keeping the point (cx, cy) where it is on screen. */
  function zoom(factor, cx, cy) {
    var width = view[2] / factor;
    if (width < home[2] / 50 || width > home[2] * 3) return;
    if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
    view = [cx - (cx - view[0]) / factor, cy - (cy - view[1]) / factor, width, view[3] / factor];
    apply();
  }

  function pan(dx, dy) {
    view[0] += dx;
    view[1] += dy;
    apply();
  }

  function reset() {
    view = home.slice();
    apply();
  }

  var KEYS = {
    ArrowLeft: function () { pan(-view[2] * STEP, 0); },
    ArrowRight: function () { pan(view[2] * STEP, 0); },
    ArrowUp: function () { pan(0, -view[3] * STEP); },
    ArrowDown: function () { pan(0, view[3] * STEP); },
    "+": function () { zoom(ZOOM); },
    "=": function () { zoom(ZOOM); },
    "-": function () { zoom(1 / ZOOM); },
    "_": function () { zoom(1 / ZOOM); },
    "0": reset
  };

  box.addEventListener("keydown", function (event) {
    var action = KEYS[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    action();
  });

  if (tools) {
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-map-zoom]");
      if (!button) return;
      var what = button.getAttribute("data-map-zoom");
      if (what === "in") zoom(ZOOM);
      else if (what === "out") zoom(1 / ZOOM);
      else reset();
    });
  }

  box.addEventListener("wheel", function (event) {
    event.preventDefault();
    var at = toSvg(event.clientX, event.clientY);
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, at.x, at.y);
  }, { passive: false });

  /* Drag to pan; a press that hardly moves stays a click on the node under it. */
  var drag = null;
  box.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, id: event.pointerId, moved: false };
  });
  box.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.id) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
    if (!drag.moved) {
      drag.moved = true;
      box.setPointerCapture(event.pointerId);
      box.classList.add("dragging");
    }
    var scale = svg.getScreenCTM().a || 1;
    pan(-dx / scale, -dy / scale);
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  function end(event) {
    if (!drag || event.pointerId !== drag.id) return;
    if (drag.moved) {
      box.classList.remove("dragging");
      box.addEventListener("click", function swallow(click) {
        click.preventDefault();
        click.stopPropagation();
      }, { capture: true, once: true });
    }
    drag = null;
  }
  box.addEventListener("pointerup", end);
  box.addEventListener("pointercancel", end);
})();
