from flask import Blueprint

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")
