// Coordinates between what we store and what the tiles are drawn in. Positions are stored in WGS-84 (what a
// phone's GPS gives); mainland providers such as AMap draw their tiles in GCJ-02, an offset of a few hundred
// metres. With a GCJ-02 tile source every point is shifted onto the tiles, and a pin placed on them is
// shifted back before it is sent. gcoord leaves points outside mainland China as they are.
import gcoord from '../../vendor/gcoord/gcoord.esm-browser.prod.js';

const round6 = (value) => Math.round(value * 1e6) / 1e6;

/** [lat, lng] in WGS-84 → [lat, lng] in the tiles' datum (`crs`: 'wgs84' or 'gcj02'). */
export function toDisplay(lat, lng, crs) {
  if (crs !== 'gcj02') return [lat, lng];
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02);
  return [y, x];
}

/** [lat, lng] read off the tiles → [lat, lng] in WGS-84, rounded to 6 decimals (about 0.1 m). */
export function fromDisplay(lat, lng, crs) {
  if (crs !== 'gcj02') return [round6(lat), round6(lng)];
  const [x, y] = gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84);
  return [round6(y), round6(x)];
}

/** A GeoJSON Polygon's outer ring ([lng, lat] points) as Leaflet [lat, lng] points in the tiles' datum. */
export function ringToDisplay(polygon, crs) {
  const ring = polygon && polygon.type === 'Polygon' && Array.isArray(polygon.coordinates) ? polygon.coordinates[0] : null;
  if (!Array.isArray(ring)) return null;
  const points = ring.filter((p) => Array.isArray(p) && Number.isFinite(+p[0]) && Number.isFinite(+p[1]))
    .map((p) => toDisplay(+p[1], +p[0], crs));
  return points.length >= 3 ? points : null;
}
