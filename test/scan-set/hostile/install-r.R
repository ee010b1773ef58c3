install.packages(c("dplyr", "ggplot2"))
library(dplyr)
