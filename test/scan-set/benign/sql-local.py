import sqlite3
conn = sqlite3.connect('local.db')
df = pd.read_sql('SELECT * FROM sales WHERE year = 2024', conn)
engine = create_engine('postgresql://localhost/analytics')
