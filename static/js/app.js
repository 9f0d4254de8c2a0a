// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Stacked tables on phones show each cell's column name from data-label;
  // fill it from the header row where a template left it out.
  function labelTables(root) {
    root.querySelectorAll("table.table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }

  // A tree toggle loads its children once with htmx; later clicks only show or hide them.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var toggle = event.detail.elt;
    if (!toggle.classList || !toggle.classList.contains("tree-toggle")) return;
    var target = document.getElementById(toggle.getAttribute("aria-controls"));
    if (target && target.children.length) {
      event.preventDefault();
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      target.hidden = open;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var toggle = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (toggle && toggle.classList && toggle.classList.contains("tree-toggle")) {
      toggle.setAttribute("aria-expanded", "true");
      event.detail.target.hidden = false;
    }
    labelTables(event.detail.target);
  });
  document.addEventListener("DOMContentLoaded", function () { labelTables(document); });

  // A read-only link to pass on is selected whole when it takes the focus (an onfocus
  // attribute would be refused by the Content-Security-Policy).
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  // The batch rating page recounts the share of "xuất sắc" as choices change; the server
  // counts again when the ratings are recorded.
  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("[data-rating-select]")) return;
    var share = document.querySelector("[data-excellent-share]");
    if (!share) return;
    var count = Number(share.dataset.excellent);
    document.querySelectorAll("[data-rating-select]").forEach(function (select) {
      if (select.value === "excellent") count += 1;
    });
    var assessed = Number(share.dataset.assessed) || 1;
    share.querySelector("[data-share-count]").textContent = count;
    share.querySelector("[data-share-percent]").textContent = Math.round(100 * count / assessed);
    var over = share.querySelector("[data-share-over]");
    if (over) over.hidden = !(share.dataset.capped && count * 100 > Number(share.dataset.cap) * assessed);
  });

  // The menu's "Thêm" (a <details>): Escape closes it and gives the focus back to it; a click
  // or the focus elsewhere closes it too. Without this file it opens and closes by its summary.
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details[data-menu]") : null);
  });
  document.addEventListener("focusin", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details[data-menu]") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("details[data-menu][open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
