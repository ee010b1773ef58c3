import geopandas as gpd
world = gpd.read_file('data/countries.geojson')
world['area'] = world.geometry.area
world.plot(column='area')
