from datetime import datetime, timedelta
start = datetime(2024, 1, 1)
days = [start + timedelta(days=i) for i in range(7)]
print([d.strftime('%a') for d in days])
