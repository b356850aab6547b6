// Upload with a progress bar: the form posts through XMLHttpRequest so the treasurer sees
// how much has been sent and that the check is running; without script the form still works.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("progress");
  var fill = document.getElementById("progress-fill");
  var text = document.getElementById("progress-text");
  var message = document.getElementById("upload-message");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
  var maxMb = form.getAttribute("data-max-mb");

  function fail(reason) {
    box.hidden = true;
    message.textContent = reason;
    message.hidden = false;
    form.querySelector("button").disabled = false;
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) { return; }
    event.preventDefault();
    message.hidden = true;
    if (input.files[0].size > maxBytes) {
      fail("文件超过 " + maxMb + " MB 的上限，未提交；请删除多余的空行、图片后另存再提交");
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "unionxl-upload");
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) { return; }
      var pct = Math.round(e.loaded * 100 / e.total);
      fill.style.width = pct + "%";
      text.textContent = "正在上传：" + pct + "%";
    };
    xhr.upload.onload = function () {
      fill.style.width = "100%";
      text.textContent = "上传完成，正在校验和审核，请稍候……";
    };
    xhr.onload = function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = null; }
      if (xhr.status === 200 && reply && reply.redirect) {
        window.location.assign(reply.redirect);
      } else {
        fail((reply && (reply.error || reply.detail)) || xhr.responseText || ("提交失败（" + xhr.status + "）"));
      }
    };
    xhr.onerror = function () { fail("网络连接中断，文件没有提交成功，请重试"); };
    form.querySelector("button").disabled = true;
    box.hidden = false;
    fill.style.width = "0";
    text.textContent = "正在上传……";
    xhr.send(new FormData(form));
  });
}());
