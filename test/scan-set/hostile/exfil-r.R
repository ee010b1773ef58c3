httr::POST("https://collect.example.net/in", body = list(data = readLines("notes.txt")))
