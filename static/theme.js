/* Runs before first paint: apply a stored theme choice; absent means follow the system. */
(function () {
  try {
    var t = localStorage.getItem("conceptsite-theme");
    if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
  } catch (e) { /* storage blocked: follow the system */ }
})();
