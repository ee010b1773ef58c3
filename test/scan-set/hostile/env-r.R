key <- Sys.getenv("AZURE_CLIENT_SECRET")
