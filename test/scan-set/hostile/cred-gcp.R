meta <- httr::GET("http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token")
