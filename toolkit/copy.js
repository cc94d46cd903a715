// copyText puts the text of source (a textarea or input) on the clipboard
// or, where the page may not use the clipboard (a page opened from disk in
// some browsers, a server reached over plain HTTP), selects it and asks the
// browser to copy it. done(true) says the text was copied; done(false)
// that it is only selected, for the person to copy.
function copyText(source, done) {
  function selectIt() {
    source.focus();
    source.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (e) {
      copied = false;
    }
    done(copied);
  }
  if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(function () { done(true); }, selectIt);
  } else {
    selectIt();
  }
}
