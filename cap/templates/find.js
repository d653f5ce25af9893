// The home page's filter box: rows of the actions table that do not contain every typed word are hidden.
// Without JavaScript the box stays hidden and the whole table shows.
(function () {
  "use strict";
  var form = document.getElementById("find-form");
  var box = document.getElementById("find");
  var table = document.getElementById("all-actions");
  var count = document.getElementById("find-count");
  if (!form || !box || !table) { return; }
  var rows = table.tBodies[0].rows;
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      rows[i].hidden = !match;
      if (match) { shown++; }
    }
    count.textContent = shown + " of " + rows.length + " actions shown";
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  box.addEventListener("input", apply);
  form.hidden = false;
  apply();
}());
