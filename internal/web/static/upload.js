// Progressive enhancement of the import pages (the forms work without it):
// an upload form marked data-upload is sent with XMLHttpRequest so that a
// progress bar shows how much of the file has been sent; a form marked
// data-busy shows its message and disables its button while the server
// works. The response replaces the page as a normal submission would.
(function () {
  "use strict";

  function setStatus(form, text) {
    var status = form.querySelector("[data-upload-status]");
    if (status) { status.textContent = text; }
  }

  // showResponse puts the server's answer in place of the page, as a normal
  // submission would: the preview the upload was redirected to (its address
  // put in the location bar), or the form again with its errors.
  function showResponse(xhr) {
    var url = xhr.responseURL;
    document.open();
    document.write(xhr.responseText);
    document.close();
    if (url && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
  }

  function upload(form, event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    var bar = form.querySelector("[data-upload-bar]");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) { return; }
      var pct = Math.round(e.loaded * 100 / e.total);
      bar.hidden = false;
      bar.value = pct;
      bar.textContent = pct + "%";
      setStatus(form, "已上传 " + pct + "%");
    });
    xhr.upload.addEventListener("load", function () {
      setStatus(form, "上传完成，正在逐行校验……");
    });
    xhr.addEventListener("load", function () { showResponse(xhr); });
    xhr.addEventListener("error", function () {
      setStatus(form, "上传失败，请检查网络后重试");
      if (button) { button.disabled = false; }
    });
    if (button) { button.disabled = true; }
    xhr.send(new FormData(form));
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (e) { upload(form, e); });
  });
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      setStatus(form, form.getAttribute("data-busy"));
      var button = form.querySelector("button[type=submit]");
      // Disable after the submission has started, so the button's value goes.
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
}());
