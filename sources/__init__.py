"""The source reports and the verbatim citations that every fact in the registry rests on."""
