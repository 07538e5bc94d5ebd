// The regulator portal's page and stylesheet (api/regulator/portal.h). The page is a shell: the
// script (portal_script.cpp) draws the login form or the view named by the URL's fragment
// (#/dashboard, #/entities, #/entities/<id>, #/inspect, #/draws, #/ledger, #/chain).
#include "api/regulator/portal.h"

namespace agritrace::api {

const char kPortalHtml[] = R"HTML(<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>市场监管端 · AgriTrace 食品安全追溯</title>
<link rel="stylesheet" href="/regulator/portal.css"></head>
<body>
<header class="top"><p class="brand">AgriTrace 食品安全追溯 · 市场监管端</p>
<p id="who" class="who"></p><button type="button" id="logout" class="secondary" hidden>退出登录</button></header>
<nav id="nav" aria-label="监管端导航" hidden><ul>
<li><a href="#/dashboard" data-page="dashboard">仪表盘</a></li>
<li><a href="#/entities" data-page="entities">主体名录</a></li>
<li><a href="#/inspect" data-page="inspect">监督检查</a></li>
<li><a href="#/draws" data-page="draws">双随机</a></li>
<li><a href="#/ledger" data-page="ledger">台账筛选</a></li>
<li><a href="#/chain" data-page="chain">流向图</a></li>
</ul></nav>
<main id="main"><noscript><p>监管端页面需要启用 JavaScript。</p></noscript></main>
<script src="/regulator/portal.js"></script>
</body></html>
)HTML";

const char kPortalCss[] =
    R"CSS(body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1a1a1a;background:#f5f6f7;line-height:1.5}
.top{display:flex;align-items:center;gap:1em;background:#0a4f8a;color:#fff;padding:.5em 1em}
.top p{margin:0}.brand{font-weight:700}.who{flex:1;text-align:right;font-size:.9em}
nav{background:#fff;border-bottom:1px solid #c8ccd0}nav ul{list-style:none;margin:0;padding:0 .5em;display:flex;flex-wrap:wrap}
nav a{display:block;padding:.6em 1em;color:#0a3d6b;text-decoration:none;border-bottom:3px solid transparent}
nav a[aria-current=page]{border-bottom-color:#0a4f8a;font-weight:700}
main{max-width:72em;margin:0 auto;padding:1em}
h1{font-size:1.4em;margin:.3em 0 .6em}h2{font-size:1.12em;margin:1.2em 0 .5em;border-left:4px solid #0a4f8a;padding-left:.4em}
h3{font-size:1em;margin:.9em 0 .3em}
section.card,form.card,.login{background:#fff;border:1px solid #d5d9dd;border-radius:6px;padding:.8em 1em;margin:.8em 0}
.login{max-width:24em;margin:2em auto}
table{border-collapse:collapse;width:100%;font-size:.93em;background:#fff}
td,th{border-bottom:1px solid #d0d4d8;padding:.4em .45em;text-align:left;vertical-align:top}th{font-weight:600;background:#eef1f4}
.counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(10em,1fr));gap:.6em;margin:0}
.counts div{background:#fff;border:1px solid #d5d9dd;border-radius:6px;padding:.6em .8em}
.counts dt{font-size:.9em;color:#3d4348}.counts dd{margin:0;font-size:1.7em;font-weight:700;color:#0a3d6b}
.banner{padding:.55em .75em;border-radius:6px;font-weight:600;margin:.5em 0}
.ok{background:#e6f4ea;color:#0a5a26}.bad{background:#fdecec;color:#8f0000}.warn{background:#fff4db;color:#5c3700}
.empty{color:#3d4348;background:#fff;border:1px dashed #b5bcc2;padding:.8em;border-radius:6px}
.badge{display:inline-block;padding:0 .5em;border-radius:1em;font-size:.88em;font-weight:600}
.grade-A{background:#e6f4ea;color:#0a5a26}.grade-B{background:#e8f0fb;color:#0a3d6b}.grade-C{background:#fff4db;color:#5c3700}.grade-D{background:#fdecec;color:#8f0000}
.sub,.small{color:#3d4348;font-size:.9em}
a{color:#0645ad}
label{display:block;margin:.45em 0 .15em;font-weight:600}
input,select,textarea{font:inherit;padding:.3em .4em;border:1px solid #6b7075;border-radius:4px;background:#fff;color:#1a1a1a;max-width:100%}
textarea{width:100%;box-sizing:border-box}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(12em,1fr));gap:0 1em;align-items:end}
button{font:inherit;padding:.4em 1em;border:0;border-radius:4px;background:#0a4f8a;color:#fff;margin-top:.5em;cursor:pointer}
form.card>button,#grade-form>button{display:block}
dl.kv{display:grid;grid-template-columns:minmax(8em,max-content) 1fr;gap:.35em 1.2em;margin:.3em 0}dl.kv dt{color:#3d4348}dl.kv dd{margin:0}
button.secondary{background:#fff;color:#0a3d6b;border:1px solid #0a3d6b}
.top button.secondary{margin:0}
fieldset.item{border:1px solid #d5d9dd;border-radius:6px;margin:.5em 0;padding:.3em .8em .6em}
fieldset.item legend{font-weight:600;padding:0 .3em}
.choices{display:flex;gap:1.2em;flex-wrap:wrap}.choices label{display:inline;font-weight:400;margin:0}
.field-error{color:#8f0000;font-weight:600;margin:.2em 0;font-size:.92em}
.field-error:empty{display:none}
[aria-invalid=true]{border-color:#8f0000;outline:2px solid #f3b3b3}
figure{margin:.5em 0;background:#fff;border:1px solid #d5d9dd;border-radius:6px;padding:.6em}
figcaption{font-weight:600;margin-bottom:.3em}
svg{max-width:100%;height:auto}
details{margin:.4em 0}summary{cursor:pointer;color:#0645ad}
.legend{display:flex;flex-wrap:wrap;gap:.3em 1.2em;font-size:.9em;margin:.3em 0}.legend span::before{content:"";display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em;background:var(--c)}
.pager{display:flex;gap:1em;margin:.6em 0}
.draw{background:#fff;border:1px solid #d5d9dd;border-radius:6px;padding:.6em 1em;margin:.8em 0}
.draw h3{margin-top:.2em}
)CSS";

}  // namespace agritrace::api
