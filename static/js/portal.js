/* Form errors for keyboard and screen-reader users: the error summary takes focus when the page opens, and its
   links move focus to the field they name (a page link with #field opens with that field focused). */
(function () {
  "use strict";

  function field(hash) {
    if (!hash || hash.length < 2) { return null; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    return target && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) ? target : null;
  }

  function focusField(target) {
    target.focus();
    var label = document.querySelector("label[for='" + target.id + "']");
    (label || target).scrollIntoView({block: "center"});
  }

  var opened = field(window.location.hash);
  var summary = document.querySelector(".error-summary");
  if (opened) {
    focusField(opened);
  } else if (summary) {
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    var target = link ? field(link.getAttribute("href")) : null;
    if (target) {
      event.preventDefault();
      focusField(target);
    }
  });
})();

/* Wide tables scroll sideways inside .table-wrap. A region that scrolls must be reachable by keyboard, so each wrap
   that actually overflows becomes a named, focusable region (named by its table's caption); the others stay out of
   the tab order. Checked again when the window is resized. */
(function () {
  "use strict";

  function mark(wrap, index) {
    var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
    if (!overflows) {
      if (wrap.dataset.scrollRegion) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        delete wrap.dataset.scrollRegion;
      }
      return;
    }
    var caption = wrap.querySelector("caption");
    if (caption) {
      caption.id = caption.id || "table-caption-" + index;
      wrap.setAttribute("aria-labelledby", caption.id);
    }
    wrap.setAttribute("role", "region");
    wrap.setAttribute("tabindex", "0");
    wrap.dataset.scrollRegion = "1";
  }

  function markAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), mark);
  }

  markAll();
  window.addEventListener("resize", markAll);
})();
