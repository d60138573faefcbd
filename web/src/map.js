// The overview map: country outlines from world-atlas (no tile server, works offline), one
// circle per event (radius by relevance, colour by disease), clustered at low zoom.
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { feature } from 'topojson-client';
import { h, colour, countryName } from './dom.js';

let outlines = null;

async function countries() {
  outlines ??= fetch('countries-110m.json')
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`countries-110m.json: ${r.status}`))))
    .then((topo) => unwrap(feature(topo, topo.objects.countries)));
  return outlines;
}

/**
 * Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180; Leaflet would draw
 * that jump as a line across the world. Shift such points by 360 so each ring stays contiguous.
 */
function unwrap(geo) {
  const ring = (r) => {
    let shift = 0;
    return r.map(([lon, lat], i) => {
      if (i > 0) {
        const prev = r[i - 1][0];
        if (lon - prev > 180) shift -= 360;
        else if (prev - lon > 180) shift += 360;
      }
      return [lon + shift, lat];
    });
  };
  // Antarctica (ISO 010) wraps the pole: no outbreak news to plot there, and no ring to unwrap.
  geo.features = geo.features.filter((f) => f.id !== '010');
  for (const f of geo.features) {
    const g = f.geometry;
    if (!g) continue;
    if (g.type === 'Polygon') g.coordinates = g.coordinates.map(ring);
    else if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map((p) => p.map(ring));
  }
  return geo;
}

/** Where an event sits: its own point, else its first located place. */
export function eventPoint(ev) {
  if (Number.isFinite(ev.lat) && Number.isFinite(ev.lon)) return [ev.lat, ev.lon];
  for (const p of ev.places ?? []) if (Number.isFinite(p.lat) && Number.isFinite(p.lon)) return [p.lat, p.lon];
  return null;
}

/** Radius in pixels: 5 to 17 by relevance, a little more for many documents. */
function radius(ev) {
  const rel = Number.isFinite(ev.relevance) ? Math.max(0, Math.min(1, ev.relevance)) : 0.3;
  return 5 + 12 * rel + Math.min(4, Math.log2(1 + (ev.documents ?? 1)));
}

/**
 * Draws the map into `el` and returns {setEvents(events)}. `onOpen(id)` opens an event.
 * Resolves once the outlines are drawn; `el.dataset.ready` is then "1".
 */
export async function createMap(el, onOpen) {
  const map = L.map(el, {
    worldCopyJump: true,
    minZoom: 1,
    maxZoom: 9,
    zoomSnap: 0.5,
    attributionControl: true,
    preferCanvas: false,
  }).fitBounds([[-50, -165], [72, 175]]);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Natural Earth · GeoNames');
  const layer = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    spiderfyOnMaxZoom: true,
  });
  map.addLayer(layer);
  try {
    const geo = await countries();
    L.geoJSON(geo, {
      interactive: false,
      style: { color: '#9aa5b1', weight: 0.6, fillColor: '#e9edf1', fillOpacity: 1 },
    }).addTo(map).bringToBack();
  } catch (e) {
    el.dataset.error = String(e);
  }
  el.dataset.ready = '1';

  function setEvents(events) {
    layer.clearLayers();
    const markers = [];
    for (const ev of events) {
      const point = eventPoint(ev);
      if (!point) continue;
      const disease = ev.diseases?.[0];
      const marker = L.circleMarker(point, {
        radius: radius(ev),
        color: '#fff',
        weight: 1,
        fillColor: colour(disease?.id ?? disease?.name),
        fillOpacity: 0.85,
      });
      // A DOM node, never a string: Leaflet would parse a string as HTML.
      marker.bindTooltip(
        h('div', { class: 'tip' },
          h('strong', null, ev.title ?? ev.id),
          h('div', null, [
            (ev.diseases ?? []).map((d) => d.name ?? d.id).join(', '),
            (ev.countries ?? []).map(countryName).join(', '),
          ].filter(Boolean).join(' · ')),
          h('div', { class: 'muted' }, `${ev.documents ?? 0} documents · relevance ${(ev.relevance ?? 0).toFixed(2)}`)),
        { direction: 'top', offset: [0, -4] },
      );
      marker.on('click', () => onOpen(ev.id));
      marker.eventId = ev.id;
      markers.push(marker);
    }
    layer.addLayers(markers);
    el.dataset.markers = String(markers.length);
    el.dataset.eventIds = markers.map((m) => m.eventId).join(' ');
    performance.mark('epiwire:map-rendered');
    return markers.length;
  }

  return { map, setEvents };
}
