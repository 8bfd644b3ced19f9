// htmx does not swap 4xx answers by default: a 422 carries the form with its field
// errors, so show it (procedure checklist, questionnaire autosave).
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
