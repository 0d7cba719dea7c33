// world-atlas land-110m (Natural Earth 1:110m land, public domain) TopoJSON -> GeoJSON,
// coordinates rounded to 0.01 degree. Land only: no national borders are drawn.
const topojson = require("./topojson-client-3.1.0/package/dist/topojson-client.js");
const topo = require("./world-atlas-2.0.2/package/land-110m.json");
const geo = topojson.feature(topo, topo.objects.land);
const round = (c) => Array.isArray(c[0]) ? c.map(round) : [Math.round(c[0]*100)/100, Math.round(c[1]*100)/100];
for (const f of geo.features) { f.geometry.coordinates = round(f.geometry.coordinates); }
process.stdout.write(JSON.stringify(geo));
