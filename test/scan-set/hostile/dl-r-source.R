source("https://raw.example.com/lab/setup/main/init.R")
