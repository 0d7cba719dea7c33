/* Draws the registry's maps with the vendored Leaflet: the bundled land outline and thin
   country borders (no online tiles), a dot per place and a line per relationship. Every map
   element on the page names its data (a json_script id) and the outline's and borders' URLs. Partners across the Pacific are drawn
   east of China (longitude + 360) so the lines take the short way. The registry map also
   names an endpoint (data-endpoint): its page carries only what the whole world shows
   (clusters when there are many places), and each pan or zoom loads the area in view. */
(function () {
  "use strict";

  function shiftedLng(lng, centre) {
    return lng - centre > 180 ? lng - 360 : centre - lng > 180 ? lng + 360 : lng;
  }

  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.map).textContent);
    var map = L.map(element, {
      attributionControl: true,
      worldCopyJump: false,
      zoomSnap: 0.25,
      minZoom: 1,
      maxZoom: 8,
    });
    map.attributionControl.setPrefix("Leaflet");
    var outline = element.dataset.outline;
    var ids = Object.keys(data.places);
    var chineseLngs = ids
      .map(function (id) { return data.places[id]; })
      .filter(function (p) { return p.chinese; })
      .map(function (p) { return p.lng; });
    (data.clusters || []).forEach(function (cluster) {
      for (var i = 0; i < Math.min(cluster.chinese, 50); i++) { chineseLngs.push(cluster.lng); }
    });
    var centre = chineseLngs.length ? chineseLngs.reduce(function (a, b) { return a + b; }, 0) / chineseLngs.length : 110;

    // Land first, then the thin country borders above it (and below the lines and dots).
    function getJSON(url) {
      return fetch(url).then(function (response) { return response.json(); });
    }
    Promise.all([getJSON(outline), element.dataset.borders ? getJSON(element.dataset.borders) : null])
      .then(function (layers) {
        var land = layers[0], borders = layers[1];
        var outlines = [];
        [-360, 0, 360].forEach(function (offset) {
          var shift = function (c) { return L.latLng(c[1], c[0] + offset); };
          outlines.push(L.geoJSON(land, {
            interactive: false,
            style: { stroke: false, fillColor: "#eef1f4", fillOpacity: 1 },
            coordsToLatLng: shift,
            attribution: offset === 0 ? "Natural Earth" : undefined,
          }));
          if (borders) {
            outlines.push(L.geoJSON(borders, {
              interactive: false,
              className: "country-border",
              style: { color: "#9aa6b2", weight: 0.7, opacity: 1, fill: false },
              coordsToLatLng: shift,
            }));
          }
        });
        outlines.reverse().forEach(function (layer) { layer.addTo(map).bringToBack(); });
        element.dataset.outlines = "true";
      });

    // Lines and dots (or clusters) live in one layer, redrawn when the map loads the area
    // in view from its endpoint (the registry map: data-endpoint).
    var layer = L.layerGroup().addTo(map);
    var markers = [];

    function render(data) {
      layer.clearLayers();
      markers = [];
      var ids = Object.keys(data.places);
      var positions = {};
      ids.forEach(function (id) {
        var p = data.places[id];
        positions[id] = L.latLng(p.lat, shiftedLng(p.lng, centre));
      });
      data.links.forEach(function (link) {
        var a = positions[link.from], b = positions[link.to];
        if (!a || !b) { return; }
        L.polyline([a, b], {
          color: link.kind === "sister" ? "#b3261e" : "#1f6feb",
          weight: link.kind === "sister" ? 1.6 : 1.1,
          opacity: 0.55,
          dashArray: link.kind === "sister" ? null : "4 4",
        }).addTo(layer);
      });
      ids.forEach(function (id) {
        var p = data.places[id];
        var marker = L.circleMarker(positions[id], {
          radius: p.focus ? 8 : p.chinese ? 6 : 4.5,
          color: "#ffffff",
          weight: 1.5,
          fillColor: p.chinese ? "#b3261e" : "#1f4e9c",
          fillOpacity: 0.95,
          className: p.chinese ? "place-chinese" : "place-foreign",
        });
        var label = p.alt ? p.name + " · " + p.alt : p.name;
        marker.bindTooltip(label);
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = label;
        marker.bindPopup(link);
        marker.addTo(layer);
        markers.push(positions[id]);
      });
      // Many places: a disc per grid cell, sized by its number of places; a click zooms in.
      (data.clusters || []).forEach(function (cluster) {
        var position = L.latLng(cluster.lat, shiftedLng(cluster.lng, centre));
        var disc = L.circleMarker(position, {
          radius: Math.min(6 + 3 * Math.log(cluster.count), 26),
          color: "#ffffff",
          weight: 1.5,
          fillColor: cluster.chinese * 2 >= cluster.count ? "#b3261e" : "#1f4e9c",
          fillOpacity: 0.75,
          className: "place-cluster",
        });
        disc.bindTooltip(String(cluster.count), {
          permanent: cluster.count > 1,
          direction: "center",
          className: "cluster-count",
        });
        disc.on("click", function () { map.setView(position, Math.min(map.getZoom() + 2, 8)); });
        disc.addTo(layer);
        markers.push(position);
      });
      element.dataset.mode = data.mode || "places";
      element.dataset.markers = String(ids.length);
      element.dataset.clusters = String((data.clusters || []).length);
      element.dataset.lines = String(data.links.length);
    }

    render(data);

    // A country's page opens on the country (its places carry "fit"), not the whole world.
    var fitted = ids.filter(function (id) { return data.places[id].fit; })
      .map(function (id) { var p = data.places[id]; return L.latLng(p.lat, shiftedLng(p.lng, centre)); });
    if (fitted.length > 1) {
      map.fitBounds(L.latLngBounds(fitted).pad(0.3), { maxZoom: 6 });
    } else if (fitted.length === 1) {
      map.setView(fitted[0], 5);
    } else if (markers.length > 1) {
      map.fitBounds(L.latLngBounds(markers).pad(0.15));
    } else if (markers.length === 1) {
      map.setView(markers[0], 4);
    } else {
      map.setView([30, centre], 2);
    }
    element.dataset.zoom = String(map.getZoom());

    // The registry map loads what the area in view holds, whenever the view changes.
    var endpoint = element.dataset.endpoint;
    if (endpoint) {
      var sequence = 0;
      element.dataset.loads = "0";
      map.on("moveend", function () {
        var bounds = map.getBounds();
        var west = bounds.getWest(), east = bounds.getEast();
        if (east - west >= 360) { west = -180; east = 180; }
        west = Math.max(west, -540);
        east = Math.min(east, 540);
        var bbox = [west, Math.max(bounds.getSouth(), -90), east, Math.min(bounds.getNorth(), 90)]
          .map(function (value) { return value.toFixed(4); }).join(",");
        var mine = ++sequence;
        element.dataset.ready = "false";
        fetch(endpoint + "?bbox=" + bbox + "&zoom=" + map.getZoom(), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (loaded) {
            if (mine !== sequence) { return; }
            render(loaded);
            element.dataset.zoom = String(map.getZoom());
            element.dataset.loads = String(Number(element.dataset.loads) + 1);
            element.dataset.ready = "true";
          });
      });
    }
    element.dataset.ready = "true";
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
