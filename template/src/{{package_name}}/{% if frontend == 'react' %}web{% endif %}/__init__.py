"""The browser frontend (`frontend/`, React): its built files served from this origin,
and the configuration its code reads at run time."""
