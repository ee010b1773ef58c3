library(tidyr)
long <- pivot_longer(wide, cols = -id, names_to = "year", values_to = "value")
home <- Sys.getenv("HOME")
x <- parse_number("$1,234")
