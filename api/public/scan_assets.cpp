// The consumer pages' stylesheet and script, served by the product itself (no CDN). The script is
// ES5 (no let/const, arrow functions, fetch or promises): WeChat's built-in browser on older
// phones lacks them. Served with the HTML answers' CSP (script-src 'self': no inline script).
#include "api/public/scan_assets.h"

namespace agritrace::api {

const char kScanCss[] =
    R"CSS(body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}
main{max-width:40em;margin:0 auto;padding:.75em}
h1{font-size:1.35em;margin:.4em 0 .1em}h2{font-size:1.1em;margin:1.2em 0 .4em;border-left:4px solid #0a6b2d;padding-left:.4em}
h3{font-size:1em;margin:.8em 0 .3em}
table{border-collapse:collapse;width:100%;font-size:.95em}td,th{border-bottom:1px solid #d0d0d0;padding:.35em .3em;text-align:left;vertical-align:top}
th{font-weight:600;color:#1a1a1a}
.sub,.small{color:#4a4a4a;font-size:.9em}
.banner{padding:.6em .7em;border-radius:6px;font-weight:600;margin:.5em 0}
.ok{background:#e8f5ec;color:#0a5a26}.bad{background:#fdecec;color:#9a0000}.warn{background:#fff4db;color:#6b4100}
li.bad{color:#9a0000}
.steps{padding-left:1.3em}.steps li{margin:.3em 0}
.docs a,a{color:#0645ad}
form{margin:.6em 0}label{display:block;margin:.3em 0 .1em}input{font-size:1em;padding:.3em;border:1px solid #767676;border-radius:4px}
button{font-size:1em;padding:.35em .9em;border:0;border-radius:4px;background:#0a6b2d;color:#fff;margin-top:.4em}
footer{margin-top:1.5em;overflow-wrap:anywhere;word-break:break-all}
)CSS";

const char kScanJs[] = R"JS((function () {
  'use strict';
  function post(url, body, done) {
    var x = new XMLHttpRequest();
    x.open('POST', url, true);
    x.setRequestHeader('Content-Type', 'application/json');
    x.onreadystatechange = function () {
      if (x.readyState === 4 && done) {
        var json = null;
        try { json = JSON.parse(x.responseText); } catch (e) { json = null; }
        done(x.status, json);
      }
    };
    x.send(JSON.stringify(body));
  }
  // The coarse location of a scan: rounded to 0.1 degree here, so the precise position never
  // leaves the phone. Only when the browser offers it and the consumer allows it.
  var scanId = document.body.getAttribute('data-scan-id');
  if (scanId && navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) {
      post('/v1/public/scans/' + encodeURIComponent(scanId) + '/location',
           {lat_e1: Math.round(p.coords.latitude * 10), lon_e1: Math.round(p.coords.longitude * 10)}, null);
    }, function () {}, {enableHighAccuracy: false, maximumAge: 600000, timeout: 10000});
  }
  // The optional phone verification on the history page.
  var form = document.getElementById('phone-form');
  if (form) {
    var phone = document.getElementById('phone');
    var code = document.getElementById('phone-code');
    var out = document.getElementById('phone-result');
    document.getElementById('send-code').onclick = function () {
      post('/v1/public/phone/code', {phone: phone.value}, function (s, j) {
        out.textContent = s === 200 ? '验证码已发送' + (j && j.dev_code ? '（开发环境验证码 ' + j.dev_code + '）' : '')
                                    : (j && j.detail ? j.detail : '发送失败');
      });
      return false;
    };
    form.onsubmit = function () {
      post('/v1/public/phone/verify', {phone: phone.value, code: code.value}, function (s, j) {
        out.textContent = s === 200 ? '手机号已验证：' + j.phone : (j && j.detail ? j.detail : '验证失败');
      });
      return false;
    };
  }
})();
)JS";

}  // namespace agritrace::api
