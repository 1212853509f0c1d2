// Evidence view: keyboard navigation between items that need attention, zoom, page
// navigation, hover hints on differing cells and boxes linked to their rows.
(function () {
  "use strict";
  const pages = document.getElementById("pages");
  const tooltip = document.getElementById("tooltip");
  const items = Array.from(document.querySelectorAll(".panel .attention"));
  let current = -1;
  let zoom = 1;

  function boxesFor(anchor) {
    return document.querySelectorAll('.box[data-target="' + anchor + '"]');
  }

  function highlight(element) {
    document.querySelectorAll(".box.active").forEach((box) => box.classList.remove("active"));
    if (!element.id) return;
    boxesFor(element.id).forEach((box) => {
      box.classList.add("active");
      box.scrollIntoView({ block: "center", inline: "nearest" });
    });
  }

  function focusItem(index) {
    if (!items.length) return;
    current = (index + items.length) % items.length;
    const item = items[current];
    item.focus();
    item.scrollIntoView({ block: "center" });
    highlight(item);
  }

  function setZoom(value) {
    zoom = Math.min(4, Math.max(0.5, value));
    pages.style.setProperty("--zoom", zoom);
    document.getElementById("zoom-level").textContent = Math.round(zoom * 100) + "%";
  }

  function visiblePage() {
    const all = Array.from(document.querySelectorAll(".page"));
    const viewer = pages.parentElement.getBoundingClientRect();
    for (const page of all) {
      const box = page.getBoundingClientRect();
      if (box.bottom > viewer.top + 40) return Number(page.dataset.page);
    }
    return 1;
  }

  function goToPage(number) {
    const count = document.querySelectorAll(".page").length;
    const target = document.getElementById("page-" + Math.min(Math.max(number, 1), count));
    if (target) target.scrollIntoView({ block: "start" });
  }

  function showIndicator() {
    const count = document.querySelectorAll(".page").length;
    document.getElementById("page-indicator").textContent = "page " + visiblePage() + " of " + count;
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.matches("input, select, textarea")) return;
    if (event.key === "n") { focusItem(current + 1); event.preventDefault(); }
    else if (event.key === "p") { focusItem(current - 1); event.preventDefault(); }
    else if (event.key === "+" || event.key === "=") setZoom(zoom * 1.25);
    else if (event.key === "-") setZoom(zoom / 1.25);
    else if (event.key === "PageDown") { goToPage(visiblePage() + 1); event.preventDefault(); }
    else if (event.key === "PageUp") { goToPage(visiblePage() - 1); event.preventDefault(); }
  });

  document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
  document.getElementById("next-page").addEventListener("click", () => goToPage(visiblePage() + 1));
  document.getElementById("prev-page").addEventListener("click", () => goToPage(visiblePage() - 1));
  pages.parentElement.addEventListener("scroll", showIndicator);

  document.querySelectorAll(".box").forEach((box) => {
    box.addEventListener("click", (event) => {
      const row = document.getElementById(box.dataset.target);
      if (!row) return;
      event.preventDefault();
      row.focus();
      row.scrollIntoView({ block: "center" });
      highlight(row);
    });
  });

  document.querySelectorAll("[data-hint]").forEach((cell) => {
    cell.addEventListener("mouseenter", () => {
      const box = cell.getBoundingClientRect();
      tooltip.textContent = cell.dataset.hint;
      tooltip.hidden = false;
      tooltip.style.left = Math.min(box.left, window.innerWidth - 420) + "px";
      tooltip.style.top = box.bottom + 4 + "px";
    });
    cell.addEventListener("mouseleave", () => { tooltip.hidden = true; });
  });
})();
