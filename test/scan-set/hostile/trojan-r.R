access <- "user⁧" # ⁦check⁩
