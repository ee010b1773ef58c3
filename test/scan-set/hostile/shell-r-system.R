out <- system2("ls", c("-la", "/home"), stdout = TRUE)
print(out)
