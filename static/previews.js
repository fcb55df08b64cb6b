/* Concept previews: hovering or focusing a link to a concept shows its definition and summary
   after a short delay. Data comes from concepts.json, fetched once, on the first hover or focus.
   Esc dismisses; the card is a role=tooltip element the link points at with aria-describedby.
   Off on touch-only devices, where hover does not exist and a tap should just follow the link. */
(function () {
  "use strict";
  if (!window.matchMedia || window.matchMedia("(hover: none)").matches || !window.fetch) return;

  var ID = "concept-preview";
  var SHOW_DELAY = 350, HIDE_DELAY = 250;
  var root = new URL(document.body.getAttribute("data-root") || "./", document.baseURI);
  var loading = null, tip = null, pending = null, shownFor = null, showTimer = 0, hideTimer = 0;

  /* The concept a link points to, as a site-relative URL like "concepts/relu/", or null. */
  function conceptOf(link) {
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#") return null;
    var url = new URL(href, document.baseURI);
    if (url.origin !== root.origin || url.pathname.indexOf(root.pathname) !== 0) return null;
    if (url.pathname === location.pathname) return null;
    var key = decodeURIComponent(url.pathname.slice(root.pathname.length)).replace(/index\.html$/, "");
    return /^concepts\/.+\/$/.test(key) && key !== "concepts/map/" ? key : null;
  }

  function load() {
    if (!loading) {
      loading = fetch(new URL("concepts.json", root).href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          var byUrl = {};
          (data && data.concepts || []).forEach(function (concept) {
            byUrl[concept.url] = concept;
            (concept.aliases || []).forEach(function (alias) { byUrl[alias] = concept; });
          });
          return byUrl;
        })
        .catch(function () { return {}; });
    }
    return loading;
  }

  function card() {
    if (tip) return tip;
    tip = document.createElement("div");
    tip.id = ID;
    tip.className = "concept-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    /* Hoverable: moving the pointer onto the card keeps it open (WCAG 1.4.13). */
    tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    tip.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(tip);
    return tip;
  }

  function line(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  function fill(concept) {
    var el = card();
    el.textContent = "";
    el.appendChild(line("p", "preview-title", concept.title));
    if (concept.definition) el.appendChild(line("p", "preview-definition", concept.definition));
    if (concept.summary) el.appendChild(line("p", "preview-summary", concept.summary));
    if (concept.tags && concept.tags.length) {
      el.appendChild(line("p", "preview-tags", concept.tags.map(function (t) { return "#" + t; }).join(" ")));
    }
  }

  /* Below the link, or above it when there is no room; kept inside the viewport. */
  function place(link) {
    var box = link.getBoundingClientRect();
    var width = tip.offsetWidth, height = tip.offsetHeight, gap = 8;
    var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    var top = box.bottom + gap;
    if (top + height > window.innerHeight && box.top - gap - height > 0) top = box.top - gap - height;
    tip.style.left = Math.round(left + window.scrollX) + "px";
    tip.style.top = Math.round(top + window.scrollY) + "px";
  }

  function describe(link, on) {
    var ids = (link.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== ID;
    });
    if (on) ids.push(ID);
    if (ids.length) link.setAttribute("aria-describedby", ids.join(" "));
    else link.removeAttribute("aria-describedby");
  }

  function show(link, concept) {
    if (shownFor && shownFor !== link) describe(shownFor, false);
    fill(concept);
    tip.hidden = false;
    place(link);
    describe(link, true);
    shownFor = link;
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    pending = null;
    if (tip) tip.hidden = true;
    if (shownFor) describe(shownFor, false);
    shownFor = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  function schedule(link) {
    var key = conceptOf(link);
    if (!key) return;
    clearTimeout(hideTimer);
    if (shownFor === link || pending === link) return;
    clearTimeout(showTimer);
    pending = link;
    load();
    showTimer = setTimeout(function () {
      load().then(function (byUrl) {
        if (pending !== link || !byUrl[key]) return;
        pending = null;
        show(link, byUrl[key]);
      });
    }, SHOW_DELAY);
  }

  function linkAt(target) {
    return target && target.closest ? target.closest("a[href]") : null;
  }

  document.addEventListener("mouseover", function (event) {
    var link = linkAt(event.target);
    if (link) schedule(link);
  });
  document.addEventListener("mouseout", function (event) {
    var link = linkAt(event.target);
    if (!link || link.contains(event.relatedTarget)) return;
    if (pending === link) { clearTimeout(showTimer); pending = null; }
    if (shownFor === link) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    var link = linkAt(event.target);
    if (link && conceptOf(link)) schedule(link);
    else hide();
  });
  document.addEventListener("focusout", function (event) {
    if (linkAt(event.target) && (pending === linkAt(event.target) || shownFor === linkAt(event.target))) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && (pending || shownFor)) hide();
  });
  window.addEventListener("resize", hide);
})();
