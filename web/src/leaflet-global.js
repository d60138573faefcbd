// leaflet.markercluster extends a global `L`: expose Leaflet's mutable UMD build before it loads.
import L from 'leaflet/dist/leaflet-src.js';

window.L = L;
export default L;
