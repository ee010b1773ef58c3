// Qualified names of the Python calls the rules care about, after aliases are resolved
// (`import subprocess as sp; sp.run` is `subprocess.run`; `from os import system; system` is `os.system`).

const names = (...list: string[]): ReadonlySet<string> => new Set(list);

export const PROCESS_CALLS = names(
  "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
  "subprocess.getoutput", "subprocess.getstatusoutput",
  "os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "os.startfile",
  "os.execl", "os.execle", "os.execlp", "os.execlpe", "os.execv", "os.execve", "os.execvp", "os.execvpe",
  "os.spawnl", "os.spawnle", "os.spawnlp", "os.spawnlpe", "os.spawnv", "os.spawnve", "os.spawnvp", "os.spawnvpe",
  "os.posix_spawn", "os.posix_spawnp", "pty.spawn", "commands.getoutput", "commands.getstatusoutput",
  "asyncio.create_subprocess_shell", "asyncio.create_subprocess_exec", "popen2.popen2", "platform.popen",
  "get_ipython().system", "get_ipython().getoutput", "get_ipython().system_piped", "get_ipython().system_raw",
  "pexpect.spawn", "pexpect.run", "sh.Command", "plumbum.local",
);

export const EXEC_BUILTINS = names("eval", "exec", "compile", "execfile", "__import__", "builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__");

export const DESERIALIZERS = names(
  "pickle.loads", "cPickle.loads", "_pickle.loads", "marshal.loads", "marshal.load", "dill.loads", "cloudpickle.loads",
  "joblib.loads", "shelve.open", "jsonpickle.decode", "yaml.unsafe_load", "types.CodeType", "types.FunctionType",
  "get_ipython().run_cell", "get_ipython().run_code", "get_ipython().ex", "get_ipython().ev", "get_ipython().run_line_magic",
  "get_ipython().run_cell_magic",
);

export const DECODERS = names(
  "base64.b64decode", "base64.b32decode", "base64.b16decode", "base64.a85decode", "base64.b85decode",
  "base64.decodebytes", "base64.decodestring", "base64.urlsafe_b64decode", "binascii.unhexlify", "binascii.a2b_base64",
  "binascii.a2b_hex", "bytes.fromhex", "bytearray.fromhex", "codecs.decode", "zlib.decompress", "gzip.decompress",
  "bz2.decompress", "lzma.decompress",
);

export const FETCHERS = names(
  "requests.get", "requests.request", "urllib.request.urlopen", "urllib.urlopen", "urllib2.urlopen", "httpx.get",
  "urllib.request.urlretrieve", "urllib.urlretrieve", "wget.download", "http.client.HTTPSConnection",
  "pycurl.Curl", "aiohttp.request",
);

/** Calls that send a request body or open a raw channel. */
export const SENDERS = names(
  "requests.post", "requests.put", "requests.patch", "httpx.post", "httpx.put", "httpx.patch",
  "socket.socket", "socket.create_connection", "smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "ftplib.FTP_TLS",
  "paramiko.SSHClient", "telnetlib.Telnet", "websocket.create_connection", "websockets.connect",
);

/** Name resolution: with an argument built from data, a DNS query is a channel out. */
export const RESOLVERS = names(
  "socket.gethostbyname", "socket.gethostbyname_ex", "socket.getaddrinfo", "dns.resolver.resolve", "dns.resolver.query",
);

export const ENV_READERS = names("os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault", "os.getenvb");
