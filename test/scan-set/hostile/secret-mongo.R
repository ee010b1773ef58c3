con <- mongo(url = "mongodb+srv://admin:hunter2hunter2@cluster0.abcd.mongodb.net/test")
