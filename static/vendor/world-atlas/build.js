// One-off build of the map's outline files from world-atlas@2.0.2 (Natural Earth 1:110m,
// public domain) with topojson-client@3.1.0. Run from a folder holding both npm tarballs
// unpacked (`npm pack world-atlas@2.0.2 topojson-client@3.1.0`, then `tar xzf` each into
// world-atlas-2.0.2/ and topojson-client-3.1.0/):
//   node /path/to/build.js
// writes land-110m.geojson and borders-110m.geojson into the working folder.
// Coordinates are rounded to 0.01 degree.
const fs = require("fs");
const path = require("path");
const here = (file) => require(path.resolve(process.cwd(), file));
const topojson = here("topojson-client-3.1.0/package/dist/topojson-client.js");
const land = here("world-atlas-2.0.2/package/land-110m.json");
const countries = here("world-atlas-2.0.2/package/countries-110m.json");

const round = (c) =>
  Array.isArray(c[0]) ? c.map(round) : [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100];

// world-atlas 2 stitches polygons across the antimeridian (for d3's spherical clipping): a
// ring such as Eurasia's jumps from 180 to -180 at Chukotka and back, which a flat map draws
// as a sliver across the whole world. Such a ring's stretches beyond the antimeridian (all
// west of -100 while the ring goes on elsewhere) are moved east by 360 degrees, so the ring
// is continuous and Chukotka, Wrangel Island and Fiji are drawn east of 180 (the map draws
// copies at -360 and +360 as well). Antarctica's ring, round the pole, is left as it is.
function unwrap(ring) {
  const jumps = [];
  for (let i = 1; i < ring.length; i++) {
    if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) { jumps.push(i); }
  }
  if (jumps.length < 2) { return ring; }
  const cuts = [0, ...jumps, ring.length];
  const out = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const stretch = ring.slice(cuts[k], cuts[k + 1]);
    const beyond = stretch.every((c) => c[0] < -100);
    for (const c of stretch) { out.push(beyond ? [c[0] + 360, c[1]] : c); }
  }
  return out;
}

// Land: the outline of all land, without national borders.
const landGeo = topojson.feature(land, land.objects.land);
for (const f of landGeo.features) {
  const g = f.geometry;
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  for (const polygon of polygons) {
    for (let r = 0; r < polygon.length; r++) { polygon[r] = unwrap(polygon[r]); }
  }
  g.coordinates = round(g.coordinates);
}
fs.writeFileSync("land-110m.geojson", JSON.stringify(landGeo));

// Borders: China's national usage. Taiwan (158), and Hong Kong (344) and Macao (446) should
// a future world-atlas draw them apart, are part of China (156): merged into one geometry,
// so no line is ever drawn between them and the mainland.
const CHINA = new Set(["156", "158", "344", "446"]);
const object = countries.objects.countries;
const chinese = object.geometries.filter((g) => CHINA.has(g.id));
const others = object.geometries.filter((g) => !CHINA.has(g.id));
const china = topojson.mergeArcs(countries, chinese);
china.id = "156";
china.properties = { name: "China" };
const merged = { type: "GeometryCollection", geometries: [china, ...others] };
// Only the boundaries between two countries (a !== b): coastlines are the land layer's.
const mesh = topojson.mesh(countries, merged, (a, b) => a !== b);
mesh.coordinates = round(mesh.coordinates);
const borders = {
  type: "FeatureCollection",
  features: [{ type: "Feature", properties: { name: "borders" }, geometry: mesh }],
};
fs.writeFileSync("borders-110m.geojson", JSON.stringify(borders));
console.log(
  "China merged from", chinese.map((g) => g.properties.name).join(", "),
  "; border lines:", mesh.coordinates.length,
);
