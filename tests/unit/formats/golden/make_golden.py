#!/usr/bin/env python3
"""Golden files for tests/unit/formats: the first 16 patterns of fixtures/lines-N64-train.npz
written as CXI, Ptychodus (folder, product NPZ) and beamline HDF5 by h5py, plus malformed
variants. Run from the repository root:  /usr/bin/python3 tests/unit/formats/golden/make_golden.py
Geometry (invented, self-consistent): 8 keV, detector 2 m away, 75 µm pixels, N = 64."""
import json
import os
import numpy as np
import h5py

OUT = os.path.dirname(os.path.abspath(__file__))
M = 16
HC = 1.239841984e-6        # eV·m
EV_J = 1.602176634e-19
ENERGY_EV, DIST_M, DET_PX_M, N = 8000.0, 2.0, 75e-6, 64
LAMBDA = HC / ENERGY_EV
OBJ_PX = LAMBDA * DIST_M / (N * DET_PX_M)

z = np.load('fixtures/lines-N64-train.npz')
# amplitudes are sqrt(counts)/s: the smallest non-zero one is a single photon, 1/s
scale = float(1.0 / z['diffraction'][z['diffraction'] > 0].min())
amp = z['diffraction'][:M].astype(np.float32)
x = z['xcoords'][:M]
y = z['ycoords'][:M]
probe = z['probeGuess'].astype(np.complex64)
# The product's object only needs the right shape and pixel grid here (positions map through its
# centre); a uniform one keeps the golden files small.
obj = np.ones(z['objectGuess'].shape, dtype=np.complex64)
counts = np.rint((amp.astype(np.float64) * scale) ** 2).astype(np.uint32)

np.savez_compressed(os.path.join(OUT, 'scan16.npz'), diffraction=amp, xcoords=x, ycoords=y, probeGuess=probe)
with open(os.path.join(OUT, 'scan16.json'), 'w') as f:
    json.dump({'patterns': M, 'simulation_scale': scale, 'energy_eV': ENERGY_EV, 'detector_distance_m': DIST_M,
               'detector_pixel_m': DET_PX_M, 'object_pixel_m': OBJ_PX}, f, indent=1)


def cxi(name, data, translation, mask=None, data_path='/entry_1/data_1/data', extra=None):
    with h5py.File(os.path.join(OUT, name), 'w') as f:
        f['cxi_version'] = 160
        f[data_path] = data
        f['/entry_1/data_1/translation'] = translation
        f['/entry_1/instrument_1/source_1/energy'] = ENERGY_EV * EV_J
        f['/entry_1/instrument_1/detector_1/distance'] = DIST_M
        f['/entry_1/instrument_1/detector_1/x_pixel_size'] = DET_PX_M
        f['/entry_1/instrument_1/detector_1/y_pixel_size'] = DET_PX_M
        f['/entry_1/instrument_1/source_1/illumination'] = probe
        if mask is not None:
            f['/entry_1/instrument_1/detector_1/mask'] = mask
        if extra:
            extra(f)


t = np.stack([x * OBJ_PX, y * OBJ_PX, np.zeros(M)], axis=1)
# CXI: intensities = amplitude², gzip-compressed.
with h5py.File(os.path.join(OUT, 'scan16.cxi'), 'w') as f:
    f['cxi_version'] = 160
    f.create_dataset('/entry_1/data_1/data', data=amp ** 2, compression='gzip', chunks=(1, N, N))
    f['/entry_1/sample_1/geometry_1/translation'] = t
    f['/entry_1/data_1/translation'] = h5py.SoftLink('/entry_1/sample_1/geometry_1/translation')
    f['/entry_1/instrument_1/source_1/energy'] = ENERGY_EV * EV_J
    f['/entry_1/instrument_1/detector_1/distance'] = DIST_M
    f['/entry_1/instrument_1/detector_1/x_pixel_size'] = DET_PX_M
    f['/entry_1/instrument_1/detector_1/y_pixel_size'] = DET_PX_M
    f['/entry_1/instrument_1/source_1/illumination'] = probe

# Ptychodus folder: diffraction.h5 (counts, LZF) + product-in.h5 (object with origin 0 ↔ pixel 0).
os.makedirs(os.path.join(OUT, 'ptychodus'), exist_ok=True)
indexes = np.arange(M, dtype=np.int64)
with h5py.File(os.path.join(OUT, 'ptychodus', 'diffraction.h5'), 'w') as f:
    f.create_dataset('patterns', data=counts, compression='lzf', chunks=(1, N, N))
    f['indexes'] = indexes
    f['bad_pixels'] = np.zeros((N, N), dtype=bool)
H, W = obj.shape
product = dict(
    probe_position_indexes=indexes, probe_position_x_m=x * OBJ_PX, probe_position_y_m=y * OBJ_PX,
    probe=probe[np.newaxis, np.newaxis], object=obj[np.newaxis],
    center_x_m=(W / 2) * OBJ_PX, center_y_m=(H / 2) * OBJ_PX)
with h5py.File(os.path.join(OUT, 'ptychodus', 'product-in.h5'), 'w') as f:
    f.attrs.update(name='lines16', comments='golden', detector_object_distance_m=DIST_M, probe_energy_eV=ENERGY_EV,
                   probe_photon_count=0.0, exposure_time_s=0.0, mass_attenuation_m2_kg=0.0)
    for k in ('probe_position_indexes', 'probe_position_x_m', 'probe_position_y_m'):
        f[k] = product[k]
    p = f.create_dataset('probe', data=product['probe'])
    p.attrs.update(pixel_width_m=OBJ_PX, pixel_height_m=OBJ_PX)
    o = f.create_dataset('object', data=product['object'], compression='gzip')
    o.attrs.update(center_x_m=product['center_x_m'], center_y_m=product['center_y_m'], pixel_width_m=OBJ_PX, pixel_height_m=OBJ_PX)
    f['object_layer_spacing_m'] = np.zeros(0)
    f['loss_epochs'] = np.zeros(0, dtype=np.int64)
    f['loss_values'] = np.zeros(0)
np.savez_compressed(os.path.join(OUT, 'product16.npz'), name='lines16', comments='golden', detector_object_distance_m=DIST_M,
                    probe_energy_eV=ENERGY_EV, probe_photon_count=0.0, exposure_time_s=0.0, mass_attenuation_m2_kg=0.0,
                    probe=product['probe'], probe_pixel_width_m=OBJ_PX, probe_pixel_height_m=OBJ_PX,
                    probe_position_indexes=indexes, probe_position_x_m=product['probe_position_x_m'],
                    probe_position_y_m=product['probe_position_y_m'], object=product['object'],
                    object_center_x_m=product['center_x_m'], object_center_y_m=product['center_y_m'],
                    object_pixel_width_m=OBJ_PX, object_pixel_height_m=OBJ_PX, object_layer_spacing_m=np.zeros(0),
                    loss_epochs=np.zeros(0, dtype=np.int64), loss_values=np.zeros(0))

# Beamline-style HDF5: uint32 counts zero-padded to 96×96 at /entry/data/data; positions (px) in CSV.
pad = np.zeros((M, 96, 96), dtype=np.uint32)
pad[:, 16:80, 16:80] = counts
with h5py.File(os.path.join(OUT, 'beamline.h5'), 'w') as f:
    f.create_dataset('/entry/data/data', data=pad, compression='gzip', chunks=(1, 96, 96))
    f['/entry/positions'] = np.stack([x, y], axis=1)
np.savetxt(os.path.join(OUT, 'beamline_positions.csv'), np.stack([x, y], axis=1), delimiter=',', header='x_px,y_px', fmt='%.6f')

# Malformed variants (2 patterns each, tiny).
a2 = amp[:2] ** 2
t2 = t[:2]
with h5py.File(os.path.join(OUT, 'bad_missing.cxi'), 'w') as f:
    f['/entry_1/data_1/translation'] = t2
with h5py.File(os.path.join(OUT, 'bad_rank.cxi'), 'w') as f:
    f['/entry_1/data_1/data'] = a2.reshape(-1)
    f['/entry_1/data_1/translation'] = t2
cxi('bad_length.cxi', a2, t[:3])
cxi('bad_pixels.cxi', a2, t2, mask=np.pad(np.ones((1, 3), dtype=np.uint32), ((0, N - 1), (0, N - 3))))
with h5py.File(os.path.join(OUT, 'bad_filter.cxi'), 'w') as f:
    d = f.create_dataset('/entry_1/data_1/data', shape=(2, N, N), dtype='f4', chunks=(1, N, N), compression=31999, allow_unknown_filter=True)
    d.id.write_direct_chunk((0, 0, 0), b'\0' * 64)
    d.id.write_direct_chunk((1, 0, 0), b'\0' * 64)
    f['/entry_1/data_1/translation'] = t2
print('wrote golden files to', OUT)
